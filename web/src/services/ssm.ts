// Typed wrappers for the Parameter Store operations the console calls. Shapes follow the AWS API reference;
// only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { callAws } from "../api";

export type ParameterType = "String" | "StringList" | "SecureString";

export interface ParameterMetadata {
  Name: string;
  ARN?: string;
  Type?: ParameterType;
  Description?: string;
  Version?: number;
  LastModifiedDate?: number;
  Tier?: string;
}

export async function describeParameters(input: {
  MaxResults?: number;
  NextToken?: string;
}): Promise<{ Parameters?: ParameterMetadata[]; NextToken?: string }> {
  return callAws("AmazonSSM.DescribeParameters", input);
}

/** One parameter's value, decrypted when it is a SecureString. */
export async function getParameterValue(name: string): Promise<{ Type?: ParameterType; Value?: string }> {
  const output = await callAws<{ Parameter?: { Type?: ParameterType; Value?: string } }>(
    "AmazonSSM.GetParameter",
    { Name: name, WithDecryption: true },
  );
  return { Type: output.Parameter?.Type, Value: output.Parameter?.Value };
}

export async function putParameter(input: {
  Name: string;
  Description?: string;
  Type: ParameterType;
  Value: string;
}): Promise<{ Version?: number; Tier?: string }> {
  return callAws("AmazonSSM.PutParameter", input);
}
