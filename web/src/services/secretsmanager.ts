// Typed wrappers for the Secrets Manager operations the console calls. Shapes follow the AWS API reference;
// only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { callAws } from "../api";

export interface SecretListEntry {
  ARN?: string;
  Name: string;
  Description?: string;
  LastChangedDate?: number;
  CreatedDate?: number;
}

export async function listSecrets(input: {
  MaxResults?: number;
  NextToken?: string;
}): Promise<{ SecretList?: SecretListEntry[]; NextToken?: string }> {
  return callAws("secretsmanager.ListSecrets", input);
}

/** A secret's current value: its string, or undefined and `binary` when it is stored as bytes. */
export async function getSecretValue(secretId: string): Promise<{ SecretString?: string; binary: boolean }> {
  const output = await callAws<{ SecretString?: string; SecretBinary?: string }>(
    "secretsmanager.GetSecretValue",
    { SecretId: secretId },
  );
  return {
    SecretString: output.SecretString,
    binary: output.SecretString === undefined && !!output.SecretBinary,
  };
}

export async function createSecret(input: {
  Name: string;
  Description?: string;
  SecretString: string;
}): Promise<{ ARN?: string; Name?: string; VersionId?: string }> {
  return callAws("secretsmanager.CreateSecret", input);
}
