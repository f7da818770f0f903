import { describe, expect, it } from "vitest";
import { parseTags } from "./agent-command.js";

describe("parseTags", () => {
  it("reads k=v pairs, values may hold =", () => {
    expect(parseTags("env=test, role=web,expr=a=b")).toEqual([
      { Key: "env", Value: "test" },
      { Key: "role", Value: "web" },
      { Key: "expr", Value: "a=b" },
    ]);
    expect(parseTags(undefined)).toEqual([]);
  });

  it("names the item that is not key=value", () => {
    expect(() => parseTags("env=test,oops")).toThrow('--tags: "oops" must be key=value (e.g. env=test)');
    expect(() => parseTags("=x")).toThrow('--tags: "=x" must be key=value');
  });
});
