/** How a local build looks in the terminal: live output under phase headings, then a phase table. */
import type { BuildOutcome } from "../api.js";

const CONTAINER = /^\[Container\] \d{4}\/\d\d\/\d\d (\d\d:\d\d:\d\d\.\d{3})\d* (.*)$/s;

/**
 * One log line for the terminal, or undefined to leave it out: command output as is, a heading
 * per phase, `$ command` for each command; the per-phase summaries are left to the closing table.
 */
export function formatLogLine(message: string): string | undefined {
  const match = CONTAINER.exec(message);
  if (!match) return message;
  const [, time, agent] = match as unknown as [string, string, string];
  const heading = /^(?:Entering phase|Phase is) (\w+)$/.exec(agent)?.[1];
  // A heading per phase that can print something (PROVISIONING's only line is the sandbox's).
  if (heading !== undefined) return heading === "PROVISIONING" ? undefined : `\n── ${heading} ──`;
  if (agent.startsWith("Phase complete: ")) return undefined;
  if (agent.startsWith("Running command ")) return `$ ${agent.slice("Running command ".length)}`;
  // The server's log has the same line, with the same time of day.
  return `· ${time} ${agent}`;
}

/** The closing table: each phase with its status, duration and context. */
export function phaseTable(outcome: BuildOutcome): string {
  const rows = outcome.phases
    .filter((p) => p.phaseType !== "COMPLETED")
    .map((p) => {
      const ms = p.endTime === undefined ? 0 : p.endTime - p.startTime;
      const context = p.contexts.map((c) => `${c.statusCode}: ${c.message}`).join("; ");
      return [p.phaseType, p.phaseStatus ?? "", formatMs(ms), context];
    });
  const widths = [16, 10, 8];
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]!) : cell))
      .join("  ")
      .trimEnd();
  return [line(["PHASE", "STATUS", "DURATION", "CONTEXT"]), ...rows.map(line)].join("\n") + "\n";
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
