import { describe, expect, it } from "vitest";
import { encodePageToken } from "../kit/index.js";
import { decodeToken, encodeToken } from "./pagination.js";

describe("keyset tokens", () => {
  it("give back the key they were made with", () => {
    expect(decodeToken(encodeToken("t", "/a/b"), "t", "string")).toBe("/a/b");
    expect(decodeToken(encodeToken("h", 7), "h", "number")).toBe(7);
    expect(decodeToken(undefined, "t", "string")).toBeUndefined();
  });

  it("refuse garbage, tokens of another listing, and offsets where a name is expected", () => {
    const token = encodeToken("one", "a");
    for (const [bad, listing] of [
      [token, "two"],
      ["!!", "one"],
      [encodePageToken("one", 10), "one"],
    ] as const) {
      expect(() => decodeToken(bad, listing, "string")).toThrow(
        expect.objectContaining({ code: "InvalidNextToken" }),
      );
    }
    expect(() => decodeToken(token, "one", "number")).toThrow(
      expect.objectContaining({ code: "InvalidNextToken" }),
    );
  });
});
