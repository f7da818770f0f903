// A line diff by Myers' algorithm (O((N+M)·D)): the shortest edit script from one text's lines to
// another's, as kept, removed and added lines with their line numbers on each side.

export type DiffLine =
  | { kind: "same"; text: string; before: number; after: number }
  | { kind: "removed"; text: string; before: number }
  | { kind: "added"; text: string; after: number };

/** A text's lines; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The lines of `after` compared with those of `before`, in order; line numbers start at 1. */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  const max = n + m;
  const offset = max + 1;
  // v[k + offset]: the furthest x on diagonal k; one copy per edit count for the walk back.
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = max === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[k - 1 + offset]! < v[k + 1 + offset]!)
          ? v[k + 1 + offset]!
          : v[k - 1 + offset]! + 1;
      let y = x - k;
      while (x < n && y < m && before[x] === after[y]) {
        x++;
        y++;
      }
      next[k + offset] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  trace.push(v);

  // Walk back from (n, m) through the saved rows, collecting the script in reverse.
  const script: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const row = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && row[k - 1 + offset]! < row[k + 1 + offset]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : row[prevK + offset]!;
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      script.push({ kind: "same", text: before[x]!, before: x + 1, after: y + 1 });
    }
    if (d === 0) break;
    if (down) {
      y--;
      script.push({ kind: "added", text: after[y]!, after: y + 1 });
    } else {
      x--;
      script.push({ kind: "removed", text: before[x]!, before: x + 1 });
    }
  }
  return script.reverse();
}
