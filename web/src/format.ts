// Display helpers for AWS values: timestamps are epoch seconds.

export function formatTime(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined) return "-";
  return new Date(epochSeconds * 1000).toLocaleString();
}

/** "1 minute 5 seconds"-style, like the CodeBuild console; running builds count up to now. */
export function formatDuration(start: number | undefined, end: number | undefined): string {
  if (start === undefined) return "-";
  const total = Math.max(0, Math.round((end ?? Date.now() / 1000) - start));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (hours > 0) return `${part(hours, "hour")} ${part(minutes, "minute")}`;
  if (minutes > 0) return `${part(minutes, "minute")} ${part(seconds, "second")}`;
  return part(seconds, "second");
}

/** A git date as CodeCommit sends it ("<epoch seconds> <UTC offset>") in the reader's time. */
export function formatGitDate(date: string | undefined): string {
  const seconds = date ? Number.parseInt(date, 10) : Number.NaN;
  return Number.isNaN(seconds) ? (date ?? "-") : formatTime(seconds);
}

/** The first line of a commit message. */
export function firstLine(message: string | undefined): string {
  return (message ?? "").split("\n", 1)[0]?.trim() || "-";
}
