// The files changed between two commits (GetDifferences), each with its line diff: the Changes tab
// of a pull request and the preview of the Create pull request page.
import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import ExpandableSection from "@cloudscape-design/components/expandable-section";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { getAllDifferences, type Difference } from "../services/codecommit";
import { FileDiffBody } from "./file-diff";

const CHANGE_WORDS = { A: "Added", M: "Modified", D: "Deleted" } as const;

/** Files shown open at first; the rest start folded. */
const OPEN_FILES = 20;

function pathOf(difference: Difference): string {
  const before = difference.beforeBlob?.path;
  const after = difference.afterBlob?.path;
  if (before && after && before !== after) return `${before} → ${after}`;
  return after ?? before ?? "-";
}

export function ChangedFiles({
  repositoryName,
  before,
  after,
  queryKey,
}: {
  repositoryName: string;
  /** The commit compared against (the destination or merge base); none for a first commit. */
  before: string | undefined;
  after: string;
  /** The key prefix of the page the list belongs to. */
  queryKey: readonly unknown[];
}) {
  const query = useQuery({
    queryKey: [...queryKey, "differences", before, after],
    queryFn: () => getAllDifferences(repositoryName, before, after),
    staleTime: Infinity,
  });
  if (query.isPending) return <StatusIndicator type="loading">Loading the changed files</StatusIndicator>;
  if (query.error) return <StatusIndicator type="error">{query.error.message}</StatusIndicator>;
  const differences = query.data;
  if (differences.length === 0) return <Box color="text-status-inactive">No files changed.</Box>;
  return (
    <SpaceBetween size="m">
      <Box variant="p">
        {differences.length} file{differences.length === 1 ? "" : "s"} changed
      </Box>
      {differences.map((d, index) => {
        const path = pathOf(d);
        return (
          <ExpandableSection
            key={`${path}:${index}`}
            variant="container"
            defaultExpanded={index < OPEN_FILES}
            headerText={path}
            headerDescription={d.changeType ? CHANGE_WORDS[d.changeType] : undefined}
          >
            <FileDiffBody name={repositoryName} difference={d} />
          </ExpandableSection>
        );
      })}
    </SpaceBetween>
  );
}
