import { createHash } from "node:crypto";
import { codecommitError } from "./errors.js";

/** Checks a client request token (`InvalidClientRequestTokenException`): 1 to 64 printable characters. */
export function checkClientRequestToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length < 1 || value.length > 64 || /[^\x21-\x7e]/.test(value)) {
    throw codecommitError(
      "InvalidClientRequestTokenException",
      "clientRequestToken is not valid: use 1 to 64 printable characters without spaces.",
    );
  }
  return value;
}

/** SHA-256 hex of a string (approval rule content, idempotency fingerprints). */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
