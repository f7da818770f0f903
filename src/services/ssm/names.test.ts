import { describe, expect, it } from "vitest";
import { checkNameForWrite, isUnderPath, normalizePath, parameterArn, parseParameterRef } from "./names.js";

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe("parameter names", () => {
  it("accepts AWS's valid shapes", () => {
    for (const name of [
      "a",
      "my-param_1.x",
      "/a/b/c",
      "/Dev/DBServer/MySQL/db-string13",
      "/my-aws/x",
      "/team/ssm",
    ]) {
      expect(
        codeOf(() => checkNameForWrite(name)),
        name,
      ).toBeUndefined();
    }
  });

  it("refuses reserved prefixes in any case, with AWS's codes", () => {
    expect(codeOf(() => checkNameForWrite("AwsX"))).toBe("ValidationException");
    expect(codeOf(() => checkNameForWrite("/ssm"))).toBe("ValidationException");
    expect(codeOf(() => checkNameForWrite("/Ssm/x"))).toBe("ValidationException");
    expect(codeOf(() => checkNameForWrite("/AWS/x"))).toBe("AccessDeniedException");
    // Any first segment starting with aws counts, as AWS answered for /awssec/lab01/vpc_id.
    expect(codeOf(() => checkNameForWrite("/awssec/lab01/vpc_id"))).toBe("AccessDeniedException");
  });

  it("counts levels and characters as AWS documents", () => {
    const levels = (n: number) => `/${Array.from({ length: n }, (_, i) => `l${i}`).join("/")}`;
    expect(codeOf(() => checkNameForWrite(levels(15)))).toBeUndefined();
    expect(codeOf(() => checkNameForWrite(levels(16)))).toBe("HierarchyLevelLimitExceededException");
    expect(codeOf(() => checkNameForWrite(`/${"a".repeat(1010)}`))).toBeUndefined();
    expect(codeOf(() => checkNameForWrite(`/${"a".repeat(1011)}`))).toBe("ValidationException");
  });

  it("refuses empty segments, strange characters and relative hierarchies", () => {
    for (const name of ["/a//b", "/a/", "a b", "/a/b$", "a/b", "/é"]) {
      expect(
        codeOf(() => checkNameForWrite(name)),
        name,
      ).toBe("ValidationException");
    }
  });

  it("builds ARNs without the leading slash", () => {
    expect(parameterArn("123456789012", "eu-west-1", "/a/b")).toBe(
      "arn:aws:ssm:eu-west-1:123456789012:parameter/a/b",
    );
    expect(parameterArn("123456789012", "eu-west-1", "a")).toBe(
      "arn:aws:ssm:eu-west-1:123456789012:parameter/a",
    );
  });
});

describe("paths", () => {
  it("normalises a trailing slash and refuses paths without a leading one", () => {
    expect(normalizePath("/a/b/")).toBe("/a/b");
    expect(normalizePath("/")).toBe("/");
    expect(codeOf(() => normalizePath("a/b"))).toBe("ValidationException");
    expect(codeOf(() => normalizePath("/ssm/x"))).toBe("ValidationException");
  });

  it("places names one level or any depth under a path", () => {
    expect(isUnderPath("/a/b", "/a", false)).toBe(true);
    expect(isUnderPath("/a/b/c", "/a", false)).toBe(false);
    expect(isUnderPath("/a/b/c", "/a", true)).toBe(true);
    expect(isUnderPath("/ab/c", "/a", true)).toBe(false);
    expect(isUnderPath("/a", "/a", true)).toBe(false);
    expect(isUnderPath("plain", "/", false)).toBe(true);
    expect(isUnderPath("/top", "/", false)).toBe(true);
    expect(isUnderPath("/top/x", "/", false)).toBe(false);
    expect(isUnderPath("/top/x", "/", true)).toBe(true);
  });
});

describe("parameter references", () => {
  it("reads names, selectors and ARNs of this account and region", () => {
    const ref = (s: string) => parseParameterRef(s, "000000000000", "us-east-1");
    expect(ref("/a/b")).toEqual({ requested: "/a/b", candidates: ["/a/b"] });
    expect(ref("/a/b:3")).toEqual({ requested: "/a/b:3", candidates: ["/a/b"], selector: "3" });
    expect(ref("arn:aws:ssm:us-east-1:000000000000:parameter/a/b:prod")).toMatchObject({
      candidates: ["/a/b"],
      selector: "prod",
    });
    expect(ref("arn:aws:ssm:us-east-1:000000000000:parameter/x")!.candidates).toEqual(["x", "/x"]);
    expect(ref("arn:aws:ssm:us-east-2:000000000000:parameter/x")).toBeUndefined();
    expect(ref("arn:aws:secretsmanager:us-east-1:000000000000:secret:x")).toBeUndefined();
    expect(ref("/a:1:2")).toBeUndefined();
    expect(ref("/a:")).toBeUndefined();
  });
});
