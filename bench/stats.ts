/** Percentile of sorted-or-not samples (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** One row of the bench report: a measurement beside its baseline from the same run. */
export interface BenchRow {
  name: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
}

export function fmtMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`;
}

export function fmtRatio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}

/** Prints rows as a Markdown table, ready for BENCHMARKS.md. */
export function printTable(rows: readonly BenchRow[]): void {
  const header = ["benchmark", "Pipewright", "baseline (same run)", "ratio", "target"];
  const lines = [
    header,
    header.map(() => "---"),
    ...rows.map((r) => [r.name, r.value, r.baseline, r.ratio, r.target]),
  ];
  for (const l of lines) process.stdout.write(`| ${l.join(" | ")} |\n`);
}
