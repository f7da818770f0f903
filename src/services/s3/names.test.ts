import { describe, expect, it } from "vitest";
import { compareKeys, validateBucketName, validateKey } from "./names.js";

describe("bucket names", () => {
  it("accepts S3's valid names", () => {
    for (const name of ["abc", "my-bucket", "my.bucket.name", "a1b2c3", "x".repeat(63), "123"]) {
      expect(() => validateBucketName(name), name).not.toThrow();
    }
  });

  it.each([
    ["ab", /between 3 and 63/],
    ["x".repeat(64), /between 3 and 63/],
    ["My-Bucket", /lowercase letters/],
    ["my_bucket", /lowercase letters/],
    [".bucket", /begin and end/],
    ["bucket-", /begin and end/],
    ["my..bucket", /adjacent periods/],
    ["10.0.0.1", /IP address/],
    ["xn--bucket", /xn--/],
    ["bucket-s3alias", /-s3alias/],
    ["_internal", /Pipewright's own/],
    ["v1", /reserved.*git/],
  ])("refuses %s", (name, reason) => {
    expect(() => validateBucketName(name)).toThrow(reason);
    try {
      validateBucketName(name);
    } catch (err) {
      expect(err).toMatchObject({ code: "InvalidBucketName", status: 400, fields: { BucketName: name } });
    }
  });
});

describe("keys", () => {
  it("takes traversal-looking keys as plain keys and refuses NUL and over-long keys", () => {
    for (const key of ["../../etc/passwd", "/abs", "..\\win", "%2e%2e%2f", "é"])
      expect(() => validateKey(key)).not.toThrow();
    expect(() => validateKey("a\u0000b")).toThrow(/NUL/);
    expect(() => validateKey("é".repeat(513))).toThrow(expect.objectContaining({ code: "KeyTooLongError" }));
    expect(() => validateKey("k".repeat(1024))).not.toThrow();
  });

  it("orders keys by UTF-8 bytes, not UTF-16 code units", () => {
    // U+FF5E is one UTF-16 unit above the surrogates of U+1F600, but below it in UTF-8.
    expect(compareKeys("\uff5e", "\u{1f600}")).toBeLessThan(0);
    expect("\uff5e" < "\u{1f600}").toBe(false);
  });
});
