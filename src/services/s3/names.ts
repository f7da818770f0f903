import { s3Error } from "./errors.js";

/** S3's limit on a key's length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * Checks a bucket name against S3's general-purpose bucket naming rules, plus Pipewright's own:
 * `_…` is Pipewright's route space (`/_/…`) and `v1` is the git transport's path (`/v1/repos/…`).
 * Throws `InvalidBucketName` saying which rule failed.
 */
export function validateBucketName(name: string): void {
  const fail = (why: string) =>
    s3Error("InvalidBucketName", `The specified bucket is not valid: '${name}' ${why}.`, {
      BucketName: name,
    });
  if (name === "v1")
    throw fail("is reserved: /v1/ is the git transport's path (git clone …/v1/repos/<name>)");
  if (name.startsWith("_")) throw fail("starts with '_': paths under /_/ are Pipewright's own");
  if (name.length < 3 || name.length > 63) throw fail("must be between 3 and 63 characters long");
  if (!/^[a-z0-9.-]+$/.test(name)) {
    throw fail("may contain only lowercase letters, digits, dots (.) and hyphens (-)");
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    throw fail("must begin and end with a letter or digit");
  if (name.includes("..")) throw fail("must not contain two adjacent periods");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) throw fail("must not be formatted as an IP address");
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) {
    if (name.startsWith(prefix)) throw fail(`must not start with '${prefix}'`);
  }
  for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) {
    if (name.endsWith(suffix)) throw fail(`must not end with '${suffix}'`);
  }
}

/**
 * Checks an object key: at most 1024 UTF-8 bytes, and no NUL (which neither S3's XML nor
 * PostgreSQL text can carry). Every other string is a plain key: `..`, `/`, `\` mean nothing.
 */
export function validateKey(key: string): void {
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw s3Error("KeyTooLongError", undefined, {
      MaxSizeAllowed: MAX_KEY_BYTES,
      Size: Buffer.byteLength(key),
    });
  }
  if (key.includes("\u0000")) {
    throw s3Error("InvalidArgument", "Object keys must not contain the NUL character (U+0000).", {
      ArgumentName: "key",
    });
  }
  if (key.length === 0)
    throw s3Error("InvalidArgument", "An object key must not be empty.", { ArgumentName: "key" });
}

/** Compares two keys in S3's listing order: UTF-8 bytes, not UTF-16 code units. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
