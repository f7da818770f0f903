import { describe, expect, it } from "vitest";
import {
  decodeBase64,
  diffFile,
  diffLines,
  MAX_DIFF_LINES,
  splitLines,
  toHunks,
} from "../../web/src/diff.js";

const bytes = (text: string) => new TextEncoder().encode(text);

/** A diff as `diff -u` prints its lines: " ", "-" or "+" then the text. */
function unified(before: string[], after: string[]): string[] {
  return diffLines(before, after).map(
    (l) => (l.kind === "context" ? " " : l.kind === "added" ? "+" : "-") + l.text,
  );
}

describe("the console's line diff", () => {
  it("splits lines without an empty last line for a final newline", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("a\r\nb")).toEqual(["a", "b"]);
  });

  it("finds a shortest edit script, keeping what both sides share", () => {
    expect(
      unified(["a", "b", "c", "a", "b", "b", "a"], ["c", "b", "a", "b", "a", "c"]).filter(
        (l) => l[0] !== " ",
      ),
    ).toHaveLength(5);
    expect(unified(["one", "two", "three"], ["one", "2", "three", "four"])).toEqual([
      " one",
      "-two",
      "+2",
      " three",
      "+four",
    ]);
    expect(unified([], ["x"])).toEqual(["+x"]);
    expect(unified(["x"], [])).toEqual(["-x"]);
    expect(unified(["same"], ["same"])).toEqual([" same"]);
  });

  it("applies: the context and added lines are the new file, context and removed the old", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g"];
    const after = ["a", "x", "c", "d", "f", "g", "h", "a"];
    const lines = diffLines(before, after);
    expect(lines.filter((l) => l.kind !== "added").map((l) => l.text)).toEqual(before);
    expect(lines.filter((l) => l.kind !== "removed").map((l) => l.text)).toEqual(after);
  });

  it("groups changes into hunks with three lines of context, numbered like diff -u", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = [...before];
    after[1] = "changed 2";
    after[15] = "changed 16";
    const hunks = toHunks(diffLines(before, after));
    expect(hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([
      [1, 5, 1, 5],
      [13, 7, 13, 7],
    ]);
    // Changes six lines apart or closer share one hunk.
    after[8] = "changed 9";
    expect(toHunks(diffLines(before, after))).toHaveLength(1);
  });

  it("starts an added file's old side at 0", () => {
    const diff = diffFile(undefined, bytes("a\nb\n"));
    expect(diff).toMatchObject({ kind: "text", added: 2, removed: 0 });
    if (diff.kind !== "text") throw new Error(diff.kind);
    expect(diff.hunks[0]).toMatchObject({ oldStart: 0, oldLines: 0, newStart: 1, newLines: 2 });
  });

  it("calls content with a NUL byte binary, and does not diff very long files", () => {
    expect(diffFile(bytes("text"), new Uint8Array([1, 0, 2]))).toEqual({ kind: "binary" });
    const long = "x\n".repeat(MAX_DIFF_LINES + 1);
    expect(diffFile(bytes(long), bytes("x\n"))).toEqual({ kind: "too-large", lines: MAX_DIFF_LINES + 1 });
  });

  it("stays correct, if not shortest, when the sides share almost nothing", () => {
    const before = Array.from({ length: 1500 }, (_, i) => `old ${i}`);
    const after = Array.from({ length: 1500 }, (_, i) => `new ${i}`);
    const lines = diffLines(before, after);
    expect(lines.filter((l) => l.kind === "removed")).toHaveLength(1500);
    expect(lines.filter((l) => l.kind === "added")).toHaveLength(1500);
  });

  it("decodes base64 content as GetBlob sends it", () => {
    expect(new TextDecoder().decode(decodeBase64(Buffer.from("héllo\n").toString("base64")))).toBe("héllo\n");
  });
});
