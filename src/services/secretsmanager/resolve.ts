import type { Envelope } from "../../platform/crypto/index.js";
import type { Database, Kysely } from "../../platform/store/index.js";
import { smError } from "./errors.js";
import { readSecretValue } from "./secret-value.js";

/** What {@link getSecretValue} looks up: CodeBuild's `secret-id:json-key:version-stage:version-id`. */
export interface SecretValueRequest {
  accountId: string;
  region: string;
  /** A name, full ARN or partial ARN. */
  secretId: string;
  /** Read this key of a SecretString holding a JSON object; default the whole value. */
  jsonKey?: string | undefined;
  /** Default AWSCURRENT when no versionId is given. */
  versionStage?: string | undefined;
  versionId?: string | undefined;
  /** Time of the access, epoch ms; default now. */
  now?: number;
}

/** A resolved secret value. */
export interface ResolvedSecretValue {
  arn: string;
  name: string;
  versionId: string;
  /**
   * The value (or the JSON key's value): text as stored, a binary secret as base64, a non-string
   * JSON value as JSON. Always secret: it belongs in log masks.
   */
  value: string;
}

/**
 * Reads a secret value for another service (CodeBuild's `env.secrets-manager`), inside the caller's
 * transaction or on the store itself, with GetSecretValue's rules and errors (ResourceNotFoundException,
 * InvalidRequestException for a secret scheduled for deletion) as `ServiceError`s.
 */
export async function getSecretValue(
  db: Kysely<Database>,
  envelope: Envelope,
  request: SecretValueRequest,
): Promise<ResolvedSecretValue> {
  const { secret, version, value } = await readSecretValue(
    db,
    envelope,
    { accountId: request.accountId, region: request.region },
    { secretId: request.secretId, versionId: request.versionId, versionStage: request.versionStage },
    request.now ?? Date.now(),
  );
  const base = { arn: secret.arn, name: secret.name, versionId: version.version_id };
  const text = value.kind === "string" ? value.text : value.bytes.toString("base64");
  if (request.jsonKey === undefined) return { ...base, value: text };
  let parsed: unknown;
  try {
    parsed = value.kind === "string" ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw smError(
      "InvalidRequestException",
      `Secret ${secret.name} is not a JSON object, so its key '${request.jsonKey}' cannot be read.`,
    );
  }
  const field = (parsed as Record<string, unknown>)[request.jsonKey];
  if (field === undefined) {
    throw smError("ResourceNotFoundException", `Secret ${secret.name} has no JSON key '${request.jsonKey}'.`);
  }
  return { ...base, value: typeof field === "string" ? field : JSON.stringify(field) };
}
