/**
 * Secrets Manager references, as `env.secrets-manager` (and a project's SECRETS_MANAGER environment
 * variables) write them: `secret-id:json-key:version-stage:version-id`.
 */
import type { SecretsManagerReference } from "./types.js";

/** A parsed reference, or why it cannot be parsed. */
export type SecretsManagerReferenceResult =
  { ok: true; value: SecretsManagerReference } | { ok: false; message: string };

/** Colon-separated fields of a Secrets Manager secret ARN: arn:partition:secretsmanager:region:account:secret:name. */
const ARN_FIELDS = 7;

/**
 * Parses `secret-id:json-key:version-stage:version-id`. Only the secret id is required; an empty or
 * missing later part means "not given" (the whole secret string; the AWSCURRENT version).
 *
 * The secret id is a secret name (which cannot contain a colon) or, for a secret in another account,
 * the secret's full ARN. An ARN has colons of its own, so a reference starting with `arn:` takes its
 * first seven colon-separated fields as the secret id and reads the other parts after them:
 * `arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password` has json-key `password`.
 */
export function parseSecretsManagerReference(reference: string): SecretsManagerReferenceResult {
  if (reference.trim() === "") {
    return { ok: false, message: "is empty; expected secret-id:json-key:version-stage:version-id" };
  }
  const fields = reference.split(":");
  let secretId: string;
  let rest: string[];
  if (reference.startsWith("arn:")) {
    if (fields.length < ARN_FIELDS || fields[2] !== "secretsmanager" || fields[5] !== "secret") {
      return {
        ok: false,
        message:
          `has secret-id ${JSON.stringify(reference)} that is not a Secrets Manager secret ARN ` +
          "(arn:aws:secretsmanager:region:account-id:secret:name)",
      };
    }
    secretId = fields.slice(0, ARN_FIELDS).join(":");
    rest = fields.slice(ARN_FIELDS);
  } else {
    secretId = fields[0] ?? "";
    rest = fields.slice(1);
  }
  if (secretId === "" || secretId.endsWith(":")) {
    return { ok: false, message: `has no secret-id; expected secret-id:json-key:version-stage:version-id` };
  }
  if (rest.length > 3) {
    return {
      ok: false,
      message:
        `has ${rest.length} parts after the secret-id, at most 3 are allowed ` +
        `(secret-id:json-key:version-stage:version-id), got ${JSON.stringify(reference)}`,
    };
  }
  const part = (index: number): string | undefined => {
    const value = rest[index];
    return value === undefined || value === "" ? undefined : value;
  };
  return {
    ok: true,
    value: { reference, secretId, jsonKey: part(0), versionStage: part(1), versionId: part(2) },
  };
}
