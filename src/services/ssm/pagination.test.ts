import { describe, expect, it } from "vitest";
import { decodeToken, paginate } from "./pagination.js";

describe("keyset pagination", () => {
  const items = ["a", "b", "c", "d", "e"];

  it("walks every item once, in order, and stops", () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const after = decodeToken<string>(token, "t", "string");
      const page = paginate(items, (s) => s, after, 2, "t");
      seen.push(...page.items);
      token = page.nextToken;
    } while (token);
    expect(seen).toEqual(items);
  });

  it("resumes after the last item even when it was deleted meanwhile", () => {
    const first = paginate(items, (s) => s, undefined, 2, "t");
    const after = decodeToken<string>(first.nextToken, "t", "string");
    expect(paginate(["a", "c", "d"], (s) => s, after, 2, "t").items).toEqual(["c", "d"]);
  });

  it("refuses garbage and tokens of another listing", () => {
    const token = paginate(items, (s) => s, undefined, 1, "one").nextToken;
    expect(() => decodeToken(token, "two", "string")).toThrow(
      expect.objectContaining({ code: "InvalidNextToken" }),
    );
    expect(() => decodeToken("!!", "one", "string")).toThrow(
      expect.objectContaining({ code: "InvalidNextToken" }),
    );
    expect(() => decodeToken(token, "one", "number")).toThrow(
      expect.objectContaining({ code: "InvalidNextToken" }),
    );
  });
});
