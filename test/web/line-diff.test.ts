import { describe, expect, it } from "vitest";
import { diffLines, splitLines, type DiffLine } from "../../web/src/line-diff.js";

/** The diff as unified-diff-like lines: " same", "-removed", "+added". */
function render(lines: DiffLine[]): string[] {
  return lines.map((l) => (l.kind === "same" ? " " : l.kind === "removed" ? "-" : "+") + l.text);
}

/** Applying the script to `before` gives `after`; its kept lines are a common subsequence. */
function check(before: string[], after: string[], lines: DiffLine[]): void {
  expect(lines.filter((l) => l.kind !== "added").map((l) => l.text)).toEqual(before);
  expect(lines.filter((l) => l.kind !== "removed").map((l) => l.text)).toEqual(after);
}

describe("diffLines", () => {
  it("keeps equal texts whole, with both line numbers", () => {
    const lines = diffLines(["a", "b"], ["a", "b"]);
    expect(lines).toEqual([
      { kind: "same", text: "a", before: 1, after: 1 },
      { kind: "same", text: "b", before: 2, after: 2 },
    ]);
  });

  it("handles empty sides", () => {
    expect(diffLines([], [])).toEqual([]);
    expect(render(diffLines([], ["x", "y"]))).toEqual(["+x", "+y"]);
    expect(render(diffLines(["x"], []))).toEqual(["-x"]);
  });

  it("finds a changed line between kept ones", () => {
    const before = ["one", "two", "three"];
    const after = ["one", "2", "three"];
    const lines = diffLines(before, after);
    expect(render(lines)).toEqual([" one", "-two", "+2", " three"]);
    expect(lines[2]).toEqual({ kind: "added", text: "2", after: 2 });
    expect(lines[3]).toEqual({ kind: "same", text: "three", before: 3, after: 3 });
  });

  it("gives a shortest script (Myers' example ABCABBA → CBABAC has 5 edits)", () => {
    const before = [..."ABCABBA"];
    const after = [..."CBABAC"];
    const lines = diffLines(before, after);
    check(before, after, lines);
    expect(lines.filter((l) => l.kind !== "same")).toHaveLength(5);
  });

  it("is a valid script for random texts", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 200; i++) {
      const text = (len: number) => Array.from({ length: len }, () => "abc"[Math.floor(random() * 3)]!);
      const before = text(Math.floor(random() * 12));
      const after = text(Math.floor(random() * 12));
      check(before, after, diffLines(before, after));
    }
  });
});

describe("splitLines", () => {
  it("does not count a final newline as an empty line", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("a\r\nb")).toEqual(["a", "b"]);
    expect(splitLines("a\n\n")).toEqual(["a", ""]);
  });
});
