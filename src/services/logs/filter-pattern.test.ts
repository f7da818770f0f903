import { describe, expect, it } from "vitest";
import { compileFilterPattern } from "./filter-log-events.js";

describe("compileFilterPattern", () => {
  it("matches every line for an empty pattern", () => {
    expect(compileFilterPattern("")("anything")).toBe(true);
    expect(compileFilterPattern(undefined)("")).toBe(true);
  });
  it("needs every term, case-sensitively", () => {
    const match = compileFilterPattern("ERROR db");
    expect(match("ERROR: db down")).toBe(true);
    expect(match("ERROR: cache down")).toBe(false);
    expect(match("error: db down")).toBe(false);
  });
  it("reads quoted phrases and excluded terms", () => {
    const match = compileFilterPattern('"exit status" -ignored');
    expect(match("exit status 1")).toBe(true);
    expect(match("exit status 1 ignored")).toBe(false);
    expect(match("status exit")).toBe(false);
  });
});
