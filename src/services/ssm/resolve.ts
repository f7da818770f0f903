import type { Envelope } from "../../platform/crypto/index.js";
import type { Database, Kysely } from "../../platform/store/index.js";
import { resolveParameter } from "./get-parameters.js";
import { parameterArn } from "./names.js";
import { openValue } from "./values.js";

/** What {@link getParameterValue} looks up. */
export interface ParameterValueRequest {
  accountId: string;
  region: string;
  /** `name`, `name:version`, `name:label`, or the ARN of any of those. */
  name: string;
  /**
   * Decrypt a SecureString; when false its ciphertext comes back, as GetParameter returns it.
   * Default true: callers resolving build variables want the value.
   */
  withDecryption?: boolean;
}

/** A parameter value with what a caller needs to use it safely. */
export interface ParameterValue {
  name: string;
  arn: string;
  type: "String" | "StringList" | "SecureString";
  version: number;
  /** The value; for a SecureString read with decryption it is secret and belongs in log masks. */
  value: string;
}

/**
 * Reads one parameter for another service (CodeBuild's `env.parameter-store`), inside the caller's
 * transaction or on the store itself. Throws ParameterNotFound / ParameterVersionNotFound as
 * `ServiceError`s, with AWS's messages, when the reference names nothing.
 */
export async function getParameterValue(
  db: Kysely<Database>,
  envelope: Envelope,
  request: ParameterValueRequest,
): Promise<ParameterValue> {
  const scope = { accountId: request.accountId, region: request.region };
  const { row } = await resolveParameter(db, scope, request.name);
  return {
    name: row.name,
    arn: parameterArn(scope.accountId, scope.region, row.name),
    type: row.type as ParameterValue["type"],
    version: row.version,
    value: openValue(envelope, scope, row, request.withDecryption ?? true),
  };
}
