import { describe, expect, it } from "vitest";
import { exactRange, hull, intersect, prefixRange, prefixSuccessor, skipSubtree } from "./name-range.js";

describe("name ranges", () => {
  it("bound a prefix by the prefix with its last character incremented", () => {
    expect(prefixRange("/app/")).toEqual({ from: "/app/", to: "/app0" });
    expect(prefixRange("/a/b")).toEqual({ from: "/a/b", to: "/a/c" });
    expect(prefixRange("")).toEqual({});
  });

  it("leave the end open where no successor can be written", () => {
    expect(prefixSuccessor("a\uffff")).toBeUndefined();
    expect(prefixSuccessor("a\ud83d\ude00")).toBeUndefined();
    expect(prefixRange("a\uffff")).toEqual({ from: "a\uffff" });
  });

  it("take the hull of alternatives and the overlap of filters", () => {
    expect(hull([prefixRange("/b/"), exactRange("/a")])).toEqual({ from: "/a", to: "/b0" });
    expect(hull([prefixRange("/b/"), {}])).toEqual({});
    expect(hull([exactRange("/a"), exactRange("/a")])).toEqual(exactRange("/a"));
    expect(intersect([prefixRange("/app/"), prefixRange("/app/sub/")])).toEqual({
      from: "/app/sub/",
      to: "/app/sub0",
    });
    expect(intersect([prefixRange("/a"), exactRange("/a/x")])).toEqual(exactRange("/a/x"));
    expect(intersect([{ from: "/a", to: "/b" }, exactRange("/b")])).toEqual({ from: "/b", to: "/b" });
    expect(intersect([])).toEqual({});
  });

  it("skip the whole subtree of a name deeper than one level", () => {
    expect(skipSubtree("/app", "/app/a/deep/x")).toBe("/app/a0");
    expect(skipSubtree("/app", "/app/a")).toBeUndefined();
    expect(skipSubtree("/app", "/other/a/b")).toBeUndefined();
    expect(skipSubtree("/", "/app/a")).toBe("/app0");
    expect(skipSubtree("/", "/app")).toBeUndefined();
    expect(skipSubtree("/", "plain")).toBeUndefined();
    // Every name in the subtree sorts before the jump target, and the next sibling does not.
    expect("/app/a/zzz" < "/app/a0").toBe(true);
    expect("/app/a-b" < "/app/a/x").toBe(true);
  });
});
