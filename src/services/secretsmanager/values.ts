import { ServiceError } from "../../core/index.js";
import type { Envelope } from "../../platform/crypto/index.js";
import { bothValues, smError } from "./errors.js";
import type { VersionRow } from "./secret-rows.js";

/** A secret value: text (SecretString) or bytes (SecretBinary). */
export type SecretValue = { kind: "string"; text: string } | { kind: "binary"; bytes: Buffer };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_BYTES = 65536;

/**
 * The value a request carries, if any. SecretBinary travels as base64 in JSON; undecodable base64 is
 * a SerializationException and an empty or oversized blob a ValidationException, as on AWS.
 */
export function valueFromInput(input: {
  SecretString?: string;
  SecretBinary?: string;
}): SecretValue | undefined {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw bothValues();
  if (input.SecretString !== undefined) return { kind: "string", text: input.SecretString };
  if (input.SecretBinary === undefined) return undefined;
  if (!BASE64.test(input.SecretBinary)) {
    throw new ServiceError(
      "SerializationException",
      "Value at 'SecretBinary' must be base64-encoded binary data",
    );
  }
  const bytes = Buffer.from(input.SecretBinary, "base64");
  if (bytes.length < 1 || bytes.length > MAX_BYTES) {
    throw smError(
      "ValidationException",
      `1 validation error detected: Value at 'SecretBinary' failed to satisfy constraint: Member must have length ${
        bytes.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_BYTES}`
      }`,
    );
  }
  return { kind: "binary", bytes };
}

/** The envelope context of a version: the secret's ARN and the version id. */
function versionContext(arn: string, versionId: string): string {
  return `${arn}:${versionId}`;
}

/** What to store for a version's value: its kind and only a ciphertext of it. */
export function sealSecret(
  envelope: Envelope,
  arn: string,
  versionId: string,
  value: SecretValue,
): { value_type: string; ciphertext: string } {
  const plaintext = value.kind === "string" ? value.text : value.bytes;
  return { value_type: value.kind, ciphertext: envelope.encrypt(plaintext, versionContext(arn, versionId)) };
}

/** The value of a stored version. */
export function openSecret(envelope: Envelope, row: VersionRow): SecretValue {
  const bytes = envelope.decrypt(row.ciphertext, versionContext(row.secret_arn, row.version_id));
  return row.value_type === "binary"
    ? { kind: "binary", bytes }
    : { kind: "string", text: bytes.toString("utf8") };
}

/** True when two values are the same kind and content (an idempotent retry). */
export function sameValue(a: SecretValue, b: SecretValue): boolean {
  if (a.kind === "string" && b.kind === "string") return a.text === b.text;
  if (a.kind === "binary" && b.kind === "binary") return a.bytes.equals(b.bytes);
  return false;
}

/** The response fields of a value: SecretString, or SecretBinary as base64. */
export function valueFields(value: SecretValue): { SecretString: string } | { SecretBinary: string } {
  return value.kind === "string"
    ? { SecretString: value.text }
    : { SecretBinary: value.bytes.toString("base64") };
}
