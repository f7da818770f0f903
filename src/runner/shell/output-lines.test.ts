import { describe, expect, it } from "vitest";
import { FENCE_LENGTH, OutputLines } from "./output-lines.js";

function collect(maxLineLength?: number): { lines: string[]; splitter: OutputLines } {
  const lines: string[] = [];
  return { lines, splitter: new OutputLines((line) => lines.push(line), maxLineLength) };
}

describe("OutputLines", () => {
  it("joins lines split across chunks and keeps empty lines", () => {
    const { lines, splitter } = collect();
    for (const chunk of ["one\ntw", "o\n", "\nthr", "ee"]) splitter.write(Buffer.from(chunk));
    expect(lines).toEqual(["one", "two", ""]);
    splitter.end();
    expect(lines).toEqual(["one", "two", "", "three"]);
  });

  it("decodes a character split across chunks, and invalid bytes as U+FFFD", () => {
    const { lines, splitter } = collect();
    const euro = Buffer.from("€\n");
    splitter.write(euro.subarray(0, 1));
    splitter.write(euro.subarray(1));
    splitter.write(Buffer.from([0xff, 0xfe, 0x41, 0x0a]));
    expect(lines).toEqual(["€", "\uFFFD\uFFFDA"]);
  });

  it("emits the unfinished line and calls back when the fence arrives, even split across chunks", () => {
    const { lines, splitter } = collect();
    const fence = `pwf${"a1".repeat(16)}`;
    let reached = 0;
    splitter.expectFence(fence, () => {
      reached++;
      lines.push("<fence>");
    });
    splitter.write(Buffer.from(`line\nno newline${fence.slice(0, 10)}`));
    expect(reached).toBe(0);
    splitter.write(Buffer.from(`${fence.slice(10)}daemon output\n`));
    expect(reached).toBe(1);
    expect(lines).toEqual(["line", "no newline", "<fence>", "daemon output"]);
  });

  it("finds fences in the order they were expected and forgets cancelled ones", () => {
    const { lines, splitter } = collect();
    const order: string[] = [];
    splitter.expectFence("pwfFIRST", () => order.push("first"));
    splitter.expectFence("pwfGONE", () => order.push("gone"));
    splitter.expectFence("pwfSECOND", () => order.push("second"));
    splitter.cancelFence("pwfGONE");
    // A fence that is not (yet) the next one expected is plain output.
    splitter.write(Buffer.from("a pwfSECOND\npwfFIRSTb\npwfSECOND"));
    expect(order).toEqual(["first", "second"]);
    expect(lines).toEqual(["a pwfSECOND", "b"]);
  });

  it("passes an endless line on in pieces, keeping only a fence's length back", () => {
    const { lines, splitter } = collect(100);
    let reached = false;
    const fence = "pwfLONGLINE";
    splitter.expectFence(fence, () => (reached = true));
    for (let i = 0; i < 50; i++) splitter.write(Buffer.from("x".repeat(97)));
    expect(lines.every((line) => line.length === 100)).toBe(true);
    expect(lines.length).toBeGreaterThan(40);
    splitter.write(Buffer.from(fence));
    expect(reached).toBe(true);
    expect(lines.join("").length).toBe(50 * 97);
    expect(FENCE_LENGTH).toBeGreaterThanOrEqual(`pwf${"0".repeat(32)}`.length);
  });

  it("cuts long complete lines too, and keeps empty ones", () => {
    const { lines, splitter } = collect(10);
    splitter.write(Buffer.from(`${"a".repeat(25)}\n\n${"b".repeat(20)}\n`));
    expect(lines).toEqual([
      "a".repeat(10),
      "a".repeat(10),
      "a".repeat(5),
      "",
      "b".repeat(10),
      "b".repeat(10),
    ]);
  });

  it("never splits a surrogate pair when cutting a long line", () => {
    const { lines, splitter } = collect(3);
    splitter.write(Buffer.from(`ab😀${"c".repeat(60)}`));
    splitter.end();
    expect(lines.join("")).toBe(`ab😀${"c".repeat(60)}`);
    expect(lines.some((line) => line.includes("\uFFFD"))).toBe(false);
    expect(lines[0]).toBe("ab");
  });
});
