import { randomBytes, randomUUID } from "node:crypto";

/** A random UUID v4, as AWS uses for request ids, build ids and execution ids. */
export function newUuid(): string {
  return randomUUID();
}

/** A request id for `x-amzn-RequestId`. */
export function newRequestId(): string {
  return randomUUID();
}

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Random characters from an upper-case base32 alphabet, as AWS access key ids use. */
export function randomKeyChars(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += KEY_ALPHABET[b % 32];
  return out;
}

/** A new access key id: `AKIA` followed by 16 characters, the shape AWS gives long-term keys. */
export function newAccessKeyId(): string {
  return `AKIA${randomKeyChars(16)}`;
}

/** A new 40-character secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString("base64").replace(/\+/g, "A").replace(/\//g, "B");
}

/** Parts of an ARN. */
export interface ArnParts {
  partition?: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** Formats `arn:aws:<service>:<region>:<account>:<resource>`. */
export function formatArn(parts: ArnParts): string {
  return `arn:${parts.partition ?? "aws"}:${parts.service}:${parts.region}:${parts.accountId}:${parts.resource}`;
}

/** Parses an ARN, or returns undefined when `arn` is not one. */
export function parseArn(arn: string): ArnParts | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, service: m[2]!, region: m[3]!, accountId: m[4]!, resource: m[5]! };
}
