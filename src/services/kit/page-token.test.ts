import { describe, expect, it } from "vitest";
import { ServiceError } from "../../core/index.js";
import { decodePageToken, encodePageToken, isKey, isOffset } from "./page-token.js";

const invalid = () => new ServiceError("InvalidNextToken", "bad token");

describe("continuation tokens", () => {
  it("give back the position they were made with, for the listing they were made for", () => {
    expect(decodePageToken(encodePageToken("ListThings", 40), "ListThings", isOffset, invalid)).toBe(40);
    expect(decodePageToken(encodePageToken("ByName", "a/b c"), "ByName", isKey, invalid)).toBe("a/b c");
    const cursor = { t: 1, s: 2, q: 3 };
    const isCursor = (p: unknown): p is typeof cursor => typeof p === "object" && p !== null;
    expect(decodePageToken(encodePageToken("Events", cursor), "Events", isCursor, invalid)).toEqual(cursor);
  });

  it("mean the first page when absent or empty", () => {
    expect(decodePageToken(undefined, "L", isOffset, invalid)).toBeUndefined();
    expect(decodePageToken("", "L", isOffset, invalid)).toBeUndefined();
  });

  it("are refused by another listing, and when hostile, with the service's own error", () => {
    const other = encodePageToken("ListBuildsForProject/a", 10);
    const forged = (body: string) => Buffer.from(body).toString("base64url");
    for (const token of [
      other,
      "!!",
      "page:10",
      forged("null"),
      forged("[]"),
      forged('"L"'),
      forged('{"l":"L"}'),
      forged('{"l":"L","p":-1}'),
      forged('{"l":"L","p":1.5}'),
      forged('{"l":"L","p":1e400}'),
      forged('{"l":"L","p":"10"}'),
      forged('{"l":"L","p":{"__proto__":{"x":1}}}'),
      forged("{".repeat(10_000)),
    ]) {
      expect(() => decodePageToken(token, "L", isOffset, invalid), token.slice(0, 40)).toThrow(
        expect.objectContaining({ code: "InvalidNextToken" }),
      );
    }
    expect(() => decodePageToken(other, "ListBuildsForProject/b", isOffset, invalid)).toThrow(ServiceError);
  });
});
