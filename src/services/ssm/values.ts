import type { Envelope } from "../../platform/crypto/index.js";
import { parameterArn } from "./names.js";
import type { ParameterRow, Scope, VersionRow } from "./parameter-rows.js";

/** A parameter as GetParameter, GetParameters and GetParametersByPath return it. */
export interface ParameterOutput {
  Name: string;
  Type: string;
  Value: string;
  Version: number;
  Selector?: string;
  LastModifiedDate: Date;
  ARN: string;
  DataType: string;
}

/**
 * The envelope context of one version's value: the parameter's ARN and the version, so a ciphertext
 * copied onto another parameter or version does not decrypt.
 */
function valueContext(arn: string, version: number): string {
  return `${arn}:${version}`;
}

/** What to store for a value: the text itself, or for a SecureString only its ciphertext. */
export function sealValue(
  envelope: Envelope,
  scope: Scope,
  name: string,
  version: number,
  type: string,
  value: string,
): string {
  if (type !== "SecureString") return value;
  return envelope.encrypt(value, valueContext(parameterArn(scope.accountId, scope.region, name), version));
}

/**
 * The value a caller sees. A SecureString without `withDecryption` shows its ciphertext, an opaque
 * string as AWS shows its KMS blob; with it, the plaintext.
 */
export function openValue(
  envelope: Envelope,
  scope: Scope,
  row: VersionRow,
  withDecryption: boolean,
): string {
  if (row.type !== "SecureString" || !withDecryption) return row.value;
  const arn = parameterArn(scope.accountId, scope.region, row.name);
  return envelope.decryptString(row.value, valueContext(arn, row.version));
}

/** The `Parameter` shape of one version. */
export function toParameterOutput(
  envelope: Envelope,
  scope: Scope,
  row: VersionRow,
  withDecryption: boolean,
  selector?: string,
): ParameterOutput {
  return {
    Name: row.name,
    Type: row.type,
    Value: openValue(envelope, scope, row, withDecryption),
    Version: row.version,
    ...(selector === undefined ? {} : { Selector: `:${selector}` }),
    LastModifiedDate: new Date(row.modified_at),
    ARN: parameterArn(scope.accountId, scope.region, row.name),
    DataType: row.data_type,
  };
}

/** The `ParameterMetadata` shape DescribeParameters returns. */
export function toMetadataOutput(scope: Scope, row: ParameterRow) {
  return {
    Name: row.name,
    ARN: parameterArn(scope.accountId, scope.region, row.name),
    Type: row.type,
    ...(row.key_id ? { KeyId: row.key_id } : {}),
    LastModifiedDate: new Date(row.last_modified_at),
    LastModifiedUser: row.last_modified_user,
    ...(row.description ? { Description: row.description } : {}),
    ...(row.allowed_pattern ? { AllowedPattern: row.allowed_pattern } : {}),
    Version: row.version,
    Tier: row.tier,
    Policies: [],
    DataType: row.data_type,
  };
}

/** The `ParameterHistory` shape of one version. */
export function toHistoryOutput(envelope: Envelope, scope: Scope, row: VersionRow, withDecryption: boolean) {
  return {
    Name: row.name,
    Type: row.type,
    ...(row.key_id ? { KeyId: row.key_id } : {}),
    LastModifiedDate: new Date(row.modified_at),
    LastModifiedUser: row.modified_user,
    ...(row.description ? { Description: row.description } : {}),
    Value: openValue(envelope, scope, row, withDecryption),
    ...(row.allowed_pattern ? { AllowedPattern: row.allowed_pattern } : {}),
    Version: row.version,
    Labels: JSON.parse(row.labels) as string[],
    Tier: row.tier,
    Policies: [],
    DataType: row.data_type,
  };
}
