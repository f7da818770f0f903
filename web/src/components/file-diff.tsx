// One file's changes between two blobs: fetched with GetBlob, compared line by line, and shown
// with "+" and "-" markers and line numbers on both sides, unchanged runs folded down to context.
import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { diffLines, splitLines, type DiffLine } from "../line-diff";
import { getBlob } from "../services/pull-requests";
import "./file-diff.css";

/** Unchanged lines kept around each change. */
const CONTEXT = 3;
/** Beyond this many lines on a side, the page does not diff the file. */
const MAX_LINES = 20_000;

type Row = DiffLine | { kind: "skipped"; count: number };

/** Folds runs of unchanged lines longer than twice the context into a "skipped" row. */
function withContext(lines: DiffLine[]): Row[] {
  const rows: Row[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.kind !== "same") {
      rows.push(lines[i++]!);
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end]!.kind === "same") end++;
    const keepBefore = i === 0 ? 0 : CONTEXT;
    const keepAfter = end === lines.length ? 0 : CONTEXT;
    if (end - i > keepBefore + keepAfter + 1) {
      rows.push(...lines.slice(i, i + keepBefore));
      rows.push({ kind: "skipped", count: end - i - keepBefore - keepAfter });
      rows.push(...lines.slice(end - keepAfter, end));
    } else {
      rows.push(...lines.slice(i, end));
    }
    i = end;
  }
  return rows;
}

interface Side {
  text?: string;
  binary: boolean;
}

async function readSide(repositoryName: string, blobId: string | undefined): Promise<Side> {
  if (!blobId) return { text: "", binary: false };
  const bytes = await getBlob(repositoryName, blobId);
  if (bytes.includes(0)) return { binary: true };
  return { text: new TextDecoder().decode(bytes), binary: false };
}

export function DiffTable({ lines, label }: { lines: DiffLine[]; label: string }) {
  const rows = withContext(lines);
  return (
    <div className="pw-diff" role="region" aria-label={label} tabIndex={0}>
      <table>
        <tbody>
          {rows.map((row, index) =>
            row.kind === "skipped" ? (
              <tr key={index} className="pw-diff-skipped">
                <td colSpan={4}>
                  {row.count} unchanged line{row.count === 1 ? "" : "s"}
                </td>
              </tr>
            ) : (
              <tr
                key={index}
                className={
                  row.kind === "added" ? "pw-diff-added" : row.kind === "removed" ? "pw-diff-removed" : ""
                }
              >
                <td className="pw-diff-number">{row.kind !== "added" ? row.before : ""}</td>
                <td className="pw-diff-number">{row.kind !== "removed" ? row.after : ""}</td>
                <td className="pw-diff-marker" aria-label={row.kind === "same" ? undefined : row.kind}>
                  {row.kind === "added" ? "+" : row.kind === "removed" ? "-" : " "}
                </td>
                <td>{row.text}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

export function FileDiff({
  repositoryName,
  beforeBlobId,
  afterBlobId,
  path,
}: {
  repositoryName: string;
  beforeBlobId: string | undefined;
  afterBlobId: string | undefined;
  path: string;
}) {
  const query = useQuery({
    queryKey: ["codecommit", "repository", repositoryName, "blob-diff", beforeBlobId, afterBlobId],
    queryFn: async () => {
      const [before, after] = await Promise.all([
        readSide(repositoryName, beforeBlobId),
        readSide(repositoryName, afterBlobId),
      ]);
      return { before, after };
    },
    staleTime: Infinity,
  });
  if (query.isPending) return <StatusIndicator type="loading">Loading the changes</StatusIndicator>;
  if (query.error) return <StatusIndicator type="error">{query.error.message}</StatusIndicator>;
  const { before, after } = query.data;
  if (before.binary || after.binary) return <Box color="text-status-inactive">Binary file not shown.</Box>;
  const beforeLines = splitLines(before.text ?? "");
  const afterLines = splitLines(after.text ?? "");
  if (beforeLines.length > MAX_LINES || afterLines.length > MAX_LINES) {
    return <Box color="text-status-inactive">This file is too large to compare here.</Box>;
  }
  const lines = diffLines(beforeLines, afterLines);
  if (lines.length === 0) return <Box color="text-status-inactive">Empty file.</Box>;
  return <DiffTable lines={lines} label={`Changes to ${path}`} />;
}
