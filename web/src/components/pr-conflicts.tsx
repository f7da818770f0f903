// The files a merge cannot combine (GetMergeConflicts for the chosen merge option), each with its
// base, source and destination versions (GetFile at each commit), and what to do about them: the
// console does not resolve conflicts, so they are resolved in a clone and pushed.
import { useQuery } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import ColumnLayout from "@cloudscape-design/components/column-layout";
import ExpandableSection from "@cloudscape-design/components/expandable-section";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import {
  type ConflictMetadata,
  getFileAt,
  getMergeConflicts,
  type MergeOption,
} from "../services/pull-requests";
import { branchName } from "./pull-request-status";

interface Commits {
  repositoryName: string;
  baseCommitId: string | undefined;
  sourceCommitId: string | undefined;
  destinationCommitId: string | undefined;
}

function decode(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  if (bytes.includes(0)) return "(binary file)";
  return new TextDecoder().decode(bytes);
}

function Version({ title, text }: { title: string; text: string | undefined }) {
  return (
    <div>
      <Box variant="awsui-key-label">{title}</Box>
      {text === undefined ? (
        <Box color="text-status-inactive">Not in this version</Box>
      ) : (
        <div role="region" aria-label={title} tabIndex={0} style={{ overflowX: "auto" }}>
          <Box variant="code">
            <pre style={{ margin: 0 }}>{text}</pre>
          </Box>
        </div>
      )}
    </div>
  );
}

function ConflictFile({ conflict, commits }: { conflict: ConflictMetadata; commits: Commits }) {
  const path = conflict.filePath ?? "";
  const query = useQuery({
    queryKey: ["codecommit", "repository", commits.repositoryName, "conflict", path, commits],
    queryFn: async () => {
      const at = (commit: string | undefined) =>
        commit ? getFileAt(commits.repositoryName, commit, path).then(decode) : Promise.resolve(undefined);
      const [base, source, destination] = await Promise.all([
        at(commits.baseCommitId),
        at(commits.sourceCommitId),
        at(commits.destinationCommitId),
      ]);
      return { base, source, destination };
    },
    staleTime: Infinity,
  });
  const kinds = [
    conflict.contentConflict && "content",
    conflict.fileModeConflict && "file mode",
    conflict.objectTypeConflict && "object type",
  ].filter(Boolean);
  return (
    <ExpandableSection
      variant="container"
      headerText={path}
      headerDescription={`Conflict in ${kinds.join(", ") || "content"}${
        conflict.numberOfConflicts ? ` (${conflict.numberOfConflicts})` : ""
      }`}
    >
      {query.isPending && <StatusIndicator type="loading">Loading the versions</StatusIndicator>}
      {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
      {query.data && (
        <ColumnLayout columns={3} borders="vertical">
          <Version title={`Base: ${path}`} text={query.data.base} />
          <Version title={`Source: ${path}`} text={query.data.source} />
          <Version title={`Destination: ${path}`} text={query.data.destination} />
        </ColumnLayout>
      )}
    </ExpandableSection>
  );
}

export function MergeConflicts({
  repositoryName,
  sourceCommit,
  destinationCommit,
  sourceReference,
  destinationReference,
  mergeOption,
  queryKey,
}: {
  repositoryName: string;
  sourceCommit: string;
  destinationCommit: string;
  sourceReference: string;
  destinationReference: string;
  mergeOption: MergeOption;
  queryKey: readonly unknown[];
}) {
  const query = useQuery({
    queryKey: [...queryKey, "conflicts", mergeOption, sourceCommit, destinationCommit],
    queryFn: () =>
      getMergeConflicts({
        repositoryName,
        sourceCommitSpecifier: sourceCommit,
        destinationCommitSpecifier: destinationCommit,
        mergeOption,
      }),
  });
  if (query.isPending) return <StatusIndicator type="loading">Looking for conflicts</StatusIndicator>;
  if (query.error) return <StatusIndicator type="error">{query.error.message}</StatusIndicator>;
  const conflicts = query.data.conflictMetadataList ?? [];
  if (query.data.mergeable || conflicts.length === 0) return null;
  const commits: Commits = {
    repositoryName,
    baseCommitId: query.data.baseCommitId,
    sourceCommitId: query.data.sourceCommitId,
    destinationCommitId: query.data.destinationCommitId,
  };
  return (
    <SpaceBetween size="m">
      <Alert
        type="warning"
        header={`${conflicts.length} conflicting file${conflicts.length === 1 ? "" : "s"}`}
      >
        These files were changed differently on both branches, so the merge cannot be done here. Resolve the
        conflicts in a clone, for example by merging {branchName(destinationReference)} into{" "}
        {branchName(sourceReference)} (git checkout {branchName(sourceReference)}; git merge{" "}
        {branchName(destinationReference)}; fix the files; commit and push), then merge the pull request.
      </Alert>
      {conflicts.map((c, index) => (
        <ConflictFile key={c.filePath ?? index} conflict={c} commits={commits} />
      ))}
    </SpaceBetween>
  );
}
