// One changed file of a commit: both versions fetched with GetBlob and compared in the browser
// (web/src/diff.ts) into hunks. Added lines are green and start with "+", removed lines red with
// "-", so the colour is not the only signal.
import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { decodeBase64, diffFile, type DiffLine, type FileDiff, MAX_DIFF_LINES } from "../diff";
import { blobKey } from "../query-keys";
import { type Difference, getBlob } from "../services/codecommit";
import "./code.css";

const CHANGE_LABELS: Record<string, string> = { A: "Added", M: "Modified", D: "Deleted" };

function useBlob(name: string, blobId: string | undefined) {
  return useQuery({
    queryKey: blobKey(name, blobId ?? ""),
    queryFn: async () => decodeBase64(await getBlob(name, blobId!)),
    enabled: blobId !== undefined,
    staleTime: Infinity,
  });
}

const PREFIX: Record<DiffLine["kind"], string> = { context: " ", added: "+", removed: "-" };

function Line({ line }: { line: DiffLine }) {
  return (
    <span className={`pw-code-line pw-diff-${line.kind}`}>
      <span className="pw-code-number" aria-hidden="true">
        {line.oldLine ?? ""}
      </span>
      <span className="pw-code-number" aria-hidden="true">
        {line.newLine ?? ""}
      </span>
      {PREFIX[line.kind]}
      {line.text}
    </span>
  );
}

function DiffBody({ diff, path }: { diff: FileDiff; path: string }) {
  if (diff.kind === "binary") return <Box>Binary file; the changes are not shown.</Box>;
  if (diff.kind === "too-large")
    return (
      <Box>
        This file has {diff.lines} lines, more than the {MAX_DIFF_LINES} the console compares; the changes are
        not shown.
      </Box>
    );
  if (diff.hunks.length === 0) return <Box>No changes to the content (the file mode changed).</Box>;
  return (
    <pre className="pw-code" role="region" aria-label={`Changes to ${path}`} tabIndex={0}>
      {diff.hunks.map((hunk, index) => (
        <span key={index}>
          <span className="pw-code-line pw-diff-hunk">
            {`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`}
          </span>
          {hunk.lines.map((line, i) => (
            <Line key={i} line={line} />
          ))}
        </span>
      ))}
    </pre>
  );
}

/** A blob id that is content: a submodule's "blob" (mode 160000) is a commit of another repository. */
function contentBlobId(blob: Difference["beforeBlob"]): string | undefined {
  return blob?.mode === SUBMODULE_MODE ? undefined : blob?.blobId;
}

const SUBMODULE_MODE = "160000";

/** A changed file's path: the new one, or the old one of a deleted file. */
export function pathOfDifference(difference: Difference): string {
  return difference.afterBlob?.path ?? difference.beforeBlob?.path ?? "";
}

function isSubmodule(difference: Difference): boolean {
  return difference.beforeBlob?.mode === SUBMODULE_MODE || difference.afterBlob?.mode === SUBMODULE_MODE;
}

/** Both versions of a changed file, fetched once each (a blob never changes), and their diff. */
function useFileDiff(name: string, difference: Difference) {
  const submodule = isSubmodule(difference);
  const before = useBlob(name, contentBlobId(difference.beforeBlob));
  const after = useBlob(name, contentBlobId(difference.afterBlob));
  const loading = before.isLoading || after.isLoading;
  const error = before.error ?? after.error;
  const diff = submodule || loading || error ? undefined : diffFile(before.data, after.data);
  return { submodule, loading, error, diff };
}

/** The changes of one file, without a frame: for lists that give each file their own. */
export function FileDiffBody({ name, difference }: { name: string; difference: Difference }) {
  const { submodule, loading, error, diff } = useFileDiff(name, difference);
  return (
    <>
      {loading && <StatusIndicator type="loading">Loading the changes</StatusIndicator>}
      {error && <StatusIndicator type="error">{error.message}</StatusIndicator>}
      {submodule && (
        <Box>
          Submodule: {difference.beforeBlob?.blobId?.slice(0, 7) ?? "none"} →{" "}
          {difference.afterBlob?.blobId?.slice(0, 7) ?? "none"}
        </Box>
      )}
      {diff && <DiffBody diff={diff} path={pathOfDifference(difference)} />}
    </>
  );
}

export function FileDiffView({ name, difference }: { name: string; difference: Difference }) {
  const { diff } = useFileDiff(name, difference);
  const path = pathOfDifference(difference);
  const renamed =
    difference.beforeBlob?.path &&
    difference.afterBlob?.path &&
    difference.beforeBlob.path !== difference.afterBlob.path
      ? `Renamed from ${difference.beforeBlob.path}`
      : undefined;
  const counts = diff?.kind === "text" ? ` · +${diff.added} −${diff.removed}` : "";
  return (
    <Container
      header={
        <Header
          variant="h3"
          description={`${CHANGE_LABELS[difference.changeType ?? ""] ?? "Changed"}${counts}${renamed ? ` · ${renamed}` : ""}`}
        >
          {path}
        </Header>
      }
    >
      <FileDiffBody name={name} difference={difference} />
    </Container>
  );
}
