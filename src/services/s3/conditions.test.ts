import { describe, expect, it } from "vitest";
import { checkReadConditions, checkWriteConditions, resolveRange } from "./conditions.js";

const object = { etag: '"abc"', lastModified: Date.UTC(2024, 0, 1, 12, 0, 0, 500) };
const code = (fn: () => void) => {
  try {
    fn();
    return "ok";
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe("conditional reads", () => {
  it("applies RFC 7232's order: If-Match before If-Unmodified-Since, If-None-Match before If-Modified-Since", () => {
    const before = Date.UTC(2024, 0, 1, 11);
    const after = Date.UTC(2024, 0, 1, 13);
    expect(code(() => checkReadConditions(object, { ifMatch: '"abc"', ifUnmodifiedSince: before }))).toBe(
      "ok",
    );
    expect(code(() => checkReadConditions(object, { ifMatch: '"zzz"' }))).toBe("PreconditionFailed");
    expect(code(() => checkReadConditions(object, { ifMatch: "*" }))).toBe("ok");
    expect(code(() => checkReadConditions(object, { ifUnmodifiedSince: before }))).toBe("PreconditionFailed");
    expect(code(() => checkReadConditions(object, { ifNoneMatch: 'W/"abc"' }))).toBe("NotModified");
    expect(code(() => checkReadConditions(object, { ifNoneMatch: '"zzz"', ifModifiedSince: after }))).toBe(
      "ok",
    );
    expect(code(() => checkReadConditions(object, { ifModifiedSince: after }))).toBe("NotModified");
    expect(code(() => checkReadConditions(object, { ifModifiedSince: before }))).toBe("ok");
    // Last-Modified has whole seconds: the object's own Last-Modified is "not modified since".
    expect(code(() => checkReadConditions(object, { ifModifiedSince: Date.UTC(2024, 0, 1, 12) }))).toBe(
      "NotModified",
    );
    expect(code(() => checkReadConditions(object, { ifNoneMatch: '"abc"' }, true))).toBe(
      "PreconditionFailed",
    );
  });

  it("guards writes with If-None-Match: * and If-Match", () => {
    expect(code(() => checkWriteConditions(undefined, { ifNoneMatch: "*" }, "k"))).toBe("ok");
    expect(code(() => checkWriteConditions(object, { ifNoneMatch: "*" }, "k"))).toBe("PreconditionFailed");
    expect(code(() => checkWriteConditions(undefined, { ifMatch: '"abc"' }, "k"))).toBe("NoSuchKey");
    expect(code(() => checkWriteConditions(object, { ifMatch: '"abd"' }, "k"))).toBe("PreconditionFailed");
  });
});

describe("ranges", () => {
  it("resolves what S3 serves and ignores what S3 ignores", () => {
    expect(resolveRange("bytes=0-4", 10)).toEqual({ start: 0, end: 4 });
    expect(resolveRange("bytes=5-", 10)).toEqual({ start: 5, end: 9 });
    expect(resolveRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(resolveRange("bytes=-30", 10)).toEqual({ start: 0, end: 9 });
    expect(resolveRange("bytes=8-100", 10)).toEqual({ start: 8, end: 9 });
    expect(resolveRange("bytes=0-1,4-5", 10)).toBeUndefined();
    expect(resolveRange("items=0-1", 10)).toBeUndefined();
    expect(resolveRange("bytes=5-2", 10)).toBeUndefined();
    expect(code(() => resolveRange("bytes=10-", 10))).toBe("InvalidRange");
    expect(code(() => resolveRange("bytes=0-", 0))).toBe("InvalidRange");
  });
});
