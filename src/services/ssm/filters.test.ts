import { describe, expect, it } from "vitest";
import { compileFilters, filtersNameRange, filtersSkip } from "./filters.js";
import type { ParameterRow } from "./parameter-rows.js";

function row(name: string, type = "String", tags: Array<{ Key: string; Value: string }> = []): ParameterRow {
  return {
    account_id: "000000000000",
    region: "us-east-1",
    name,
    type,
    key_id: type === "SecureString" ? "alias/aws/ssm" : null,
    description: null,
    allowed_pattern: null,
    tier: "Standard",
    data_type: "text",
    version: 1,
    tags: JSON.stringify(tags),
    last_modified_at: 0,
    last_modified_user: "arn:aws:iam::000000000000:root",
  };
}

const rows = [
  row("/app/a"),
  row("/app/b", "SecureString", [{ Key: "team", Value: "ci" }]),
  row("/app/sub/c", "StringList"),
  row("/other/d"),
];
const names = (filters: Parameters<typeof compileFilters>[0]) => {
  const p = compileFilters(filters, "DescribeParameters");
  return rows.filter((r) => p({ row: r, labels: [] })).map((r) => r.name);
};

describe("parameter filters", () => {
  it("matches names exactly by default, by prefix or by substring", () => {
    expect(names([{ Key: "Name", Values: ["/app/a"] }])).toEqual(["/app/a"]);
    expect(names([{ Key: "Name", Option: "BeginsWith", Values: ["/app/"] }])).toEqual([
      "/app/a",
      "/app/b",
      "/app/sub/c",
    ]);
    expect(names([{ Key: "Name", Option: "Contains", Values: ["sub"] }])).toEqual(["/app/sub/c"]);
  });

  it("reads paths one level deep by default", () => {
    expect(names([{ Key: "Path", Values: ["/app"] }])).toEqual(["/app/a", "/app/b"]);
    expect(names([{ Key: "Path", Option: "Recursive", Values: ["/app"] }])).toEqual([
      "/app/a",
      "/app/b",
      "/app/sub/c",
    ]);
  });

  it("ANDs filters and ORs values", () => {
    expect(
      names([
        { Key: "Type", Values: ["String", "StringList"] },
        { Key: "Path", Option: "Recursive", Values: ["/app"] },
      ]),
    ).toEqual(["/app/a", "/app/sub/c"]);
  });

  it("matches tags by key alone or by value", () => {
    expect(names([{ Key: "tag:team" }])).toEqual(["/app/b"]);
    expect(names([{ Key: "tag:team", Values: ["cd"] }])).toEqual([]);
  });

  it("refuses keys, options and values with AWS's codes", () => {
    const codeOf = (
      f: Parameters<typeof compileFilters>[0],
      site: "DescribeParameters" | "GetParametersByPath",
    ) => {
      try {
        compileFilters(f, site);
        return undefined;
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(codeOf([{ Key: "Path", Values: ["/a"] }], "GetParametersByPath")).toBe("InvalidFilterKey");
    expect(codeOf([{ Key: "Label", Values: ["x"] }], "DescribeParameters")).toBe("InvalidFilterKey");
    expect(codeOf([{ Key: "Type", Option: "Contains", Values: ["String"] }], "DescribeParameters")).toBe(
      "InvalidFilterOption",
    );
    expect(codeOf([{ Key: "Type" }], "DescribeParameters")).toBe("InvalidFilterValue");
    expect(codeOf([{ Key: "Path", Values: ["relative"] }], "DescribeParameters")).toBe("ValidationException");
  });
});

describe("the name range of filters", () => {
  it("narrows to Name Equals and BeginsWith values and Path subtrees, and leaves the rest to rows", () => {
    expect(filtersNameRange([{ Key: "Name", Values: ["/a", "/c"] }])).toEqual({
      from: "/a",
      to: "/c",
      toInclusive: true,
    });
    expect(filtersNameRange([{ Key: "Name", Option: "BeginsWith", Values: ["/app"] }])).toEqual({
      from: "/app",
      to: "/apq",
    });
    expect(filtersNameRange([{ Key: "Path", Option: "Recursive", Values: ["/app/"] }])).toEqual({
      from: "/app/",
      to: "/app0",
    });
    expect(filtersNameRange([{ Key: "Path", Values: ["/"] }])).toEqual({});
    expect(filtersNameRange([{ Key: "Name", Option: "Contains", Values: ["x"] }])).toEqual({});
    expect(filtersNameRange([{ Key: "Type", Values: ["String"] }])).toEqual({});
  });

  it("skips subtrees only for a single one-level path", () => {
    expect(filtersSkip([{ Key: "Path", Values: ["/app"] }])?.("/app/a/b")).toBe("/app/a0");
    expect(filtersSkip([{ Key: "Path", Values: ["/app", "/app/a"] }])).toBeUndefined();
    expect(filtersSkip([{ Key: "Path", Option: "Recursive", Values: ["/app"] }])).toBeUndefined();
  });
});
