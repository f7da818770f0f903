// What merging a source into a destination would do, before it is done: whether it can be merged
// (GetMergeOptions), and the files the source changes since their merge base (GetDifferences).
import { useQuery } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { getMergeOptions } from "../services/pull-requests";
import { ChangedFiles } from "./pr-changes";

export function MergePreview({
  repositoryName,
  source,
  destination,
}: {
  repositoryName: string;
  source: string;
  destination: string;
}) {
  const queryKey = ["codecommit", "repository", repositoryName, "compare", destination, source] as const;
  const options = useQuery({
    queryKey,
    queryFn: () =>
      getMergeOptions({
        repositoryName,
        sourceCommitSpecifier: source,
        destinationCommitSpecifier: destination,
      }),
  });
  if (options.isPending) return <StatusIndicator type="loading">Comparing the branches</StatusIndicator>;
  if (options.error) {
    return (
      <Alert type="error" header="The branches could not be compared">
        {options.error.message}
      </Alert>
    );
  }
  const mergeable = (options.data.mergeOptions ?? []).length > 0;
  return (
    <SpaceBetween size="l">
      {mergeable ? (
        <StatusIndicator type="success">
          Mergeable: {source} can be merged into {destination}.
        </StatusIndicator>
      ) : (
        <StatusIndicator type="warning">
          Not mergeable: {source} and {destination} have conflicts. The pull request can still be created.
        </StatusIndicator>
      )}
      {options.data.sourceCommitId && (
        <ChangedFiles
          repositoryName={repositoryName}
          before={options.data.baseCommitId}
          after={options.data.sourceCommitId}
          queryKey={queryKey}
        />
      )}
    </SpaceBetween>
  );
}
