// A unified line diff computed in the browser, as git shows one: Myers' algorithm on the lines
// that differ after the common start and end are set aside, grouped into hunks with context.
// Pure, so it is tested without a browser.

export interface DiffLine {
  kind: "context" | "added" | "removed";
  text: string;
  /** Line number in the file before (context and removed lines). */
  oldLine?: number;
  /** Line number in the file after (context and added lines). */
  newLine?: number;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export type FileDiff =
  | { kind: "binary" }
  | { kind: "too-large"; lines: number }
  | { kind: "text"; hunks: Hunk[]; added: number; removed: number };

/** Files longer than this (either side) are not diffed line by line. */
export const MAX_DIFF_LINES = 2000;

/** Beyond this many edits Myers' search stops and the middle reads as removed, then added. */
const MAX_EDITS = 1000;

/** The lines of a text; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** True when bytes look binary as git decides it: a NUL byte in the first 8000. */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/** Base64 (as GetBlob and GetFile send content) to bytes. */
export function decodeBase64(base64: string): Uint8Array {
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Bytes as text (UTF-8, invalid sequences replaced), or undefined when they are binary. */
export function textOf(bytes: Uint8Array): string | undefined {
  return isBinary(bytes) ? undefined : new TextDecoder().decode(bytes);
}

type Op = "=" | "-" | "+";

/** The shortest edit script from `a` to `b` (Myers 1986), or undefined past `maxEdits`. */
function myers(a: readonly string[], b: readonly string[], maxEdits: number): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(n + m, maxEdits);
  const offset = limit + 2;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, d, n, m);
    }
  }
  return undefined;
}

function backtrack(trace: readonly Int32Array[], edits: number, n: number, m: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = edits; d > 0; d--) {
    const before = trace[d]!;
    const at = (k: number) => before[k + d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push("=");
      x--;
      y--;
    }
    ops.push(x === prevX ? "+" : "-");
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push("=");
    x--;
    y--;
  }
  return ops.reverse();
}

/** Every line of both sides in order: unchanged, removed and added, numbered on their side. */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  const a = before.slice(start, before.length - end);
  const b = after.slice(start, after.length - end);
  const middle: Op[] = myers(a, b, MAX_EDITS) ?? [...a.map((): Op => "-"), ...b.map((): Op => "+")];
  const ops: Op[] = [...Array<Op>(start).fill("="), ...middle, ...Array<Op>(end).fill("=")];
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === "=") {
      lines.push({ kind: "context", text: before[i]!, oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    } else if (op === "-") {
      lines.push({ kind: "removed", text: before[i]!, oldLine: i + 1 });
      i++;
    } else {
      lines.push({ kind: "added", text: after[j]!, newLine: j + 1 });
      j++;
    }
  }
  return lines;
}

/** The changed lines with `context` unchanged lines around them, in hunks as `diff -u` makes. */
export function toHunks(lines: readonly DiffLine[], context = 3): Hunk[] {
  const ranges: [number, number][] = [];
  lines.forEach((line, index) => {
    if (line.kind === "context") return;
    const from = Math.max(0, index - context);
    const to = Math.min(lines.length, index + context + 1);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1]) last[1] = to;
    else ranges.push([from, to]);
  });
  return ranges.map(([from, to]) => hunkOf(lines.slice(from, to)));
}

function hunkOf(lines: DiffLine[]): Hunk {
  const olds = lines.filter((l) => l.oldLine !== undefined);
  const news = lines.filter((l) => l.newLine !== undefined);
  // As `diff -u`: a side with no lines (a file added or deleted) starts at 0.
  return {
    oldStart: olds[0]?.oldLine ?? 0,
    oldLines: olds.length,
    newStart: news[0]?.newLine ?? 0,
    newLines: news.length,
    lines,
  };
}

/** The diff of two versions of a file (undefined = the file does not exist on that side). */
export function diffFile(before: Uint8Array | undefined, after: Uint8Array | undefined): FileDiff {
  const beforeText = before ? textOf(before) : "";
  const afterText = after ? textOf(after) : "";
  if (beforeText === undefined || afterText === undefined) return { kind: "binary" };
  const a = splitLines(beforeText);
  const b = splitLines(afterText);
  const longest = Math.max(a.length, b.length);
  if (longest > MAX_DIFF_LINES) return { kind: "too-large", lines: longest };
  const lines = diffLines(a, b);
  return {
    kind: "text",
    hunks: toHunks(lines),
    added: lines.filter((l) => l.kind === "added").length,
    removed: lines.filter((l) => l.kind === "removed").length,
  };
}
