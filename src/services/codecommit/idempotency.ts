import { createHash } from "node:crypto";

/** SHA-256 hex of a string (approval rule content, idempotency fingerprints). */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
