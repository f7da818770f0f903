/**
 * "Did you mean" for misspelled keys: `biuld` → `build`, `prebuild` → `pre_build`,
 * `post-build` → `post_build`, `artifact` → `artifacts`.
 */

/**
 * The known name closest to `written`, or undefined when none is close. Names that differ only in
 * case, `-`, `_` or spaces always match; otherwise at most one edit per four characters (at least
 * one, at most two), counting a swap of two neighbours as one edit.
 */
export function closestName(written: string, known: readonly string[]): string | undefined {
  const target = normalize(written);
  const same = known.find((name) => normalize(name) === target);
  if (same !== undefined) return same;
  const limit = Math.min(2, Math.max(1, Math.floor(target.length / 4)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of known) {
    const distance = editDistance(target, normalize(name));
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, "");
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i += 1) d[i * cols] = i;
  for (let j = 0; j < cols; j += 1) d[j] = j;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}
