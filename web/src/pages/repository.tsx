// One repository, like the CodeCommit console's repository view: its name and description, a
// branch selector, the clone URLs with connection steps, and tabs for its code and its commits.
import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Tabs from "@cloudscape-design/components/tabs";
import { CONSOLE_BASE } from "../api";
import { CommitHistory } from "../components/commit-history";
import { ConnectionSteps } from "../components/connection-steps";
import { RepositoryCode } from "../components/repository-code";
import { repositoryCodePath, repositoryCommitsPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { branchesKey, repositoryKey } from "../query-keys";
import { href, navigate } from "../router";
import { getRepository, listAllBranches } from "../services/codecommit";

/** The branches with the default branch first, then by name. */
function orderBranches(branches: readonly string[], defaultBranch: string | undefined): string[] {
  const rest = branches.filter((b) => b !== defaultBranch).sort((a, b) => a.localeCompare(b));
  return defaultBranch && branches.includes(defaultBranch) ? [defaultBranch, ...rest] : rest;
}

function BranchSelect({
  name,
  gitRef,
  branches,
  view,
}: {
  name: string;
  gitRef: string;
  branches: string[];
  view: "code" | "commits";
}) {
  const options = branches.map((b) => ({ value: b, label: b }));
  const selected = options.find((o) => o.value === gitRef) ?? { value: gitRef, label: gitRef };
  return (
    <Select
      inlineLabelText="Branch"
      selectedOption={selected}
      options={options}
      filteringType={options.length > 10 ? "auto" : "none"}
      onChange={({ detail }) => {
        const branch = detail.selectedOption.value;
        if (!branch) return;
        navigate(view === "commits" ? repositoryCommitsPath(name, branch) : repositoryCodePath(name, branch));
      }}
    />
  );
}

export default function RepositoryPage({
  name,
  view,
  gitRef,
  filePath,
}: {
  name: string;
  view: "code" | "commits";
  /** The branch, tag or commit shown; the default branch when not given. */
  gitRef?: string;
  filePath: string;
}) {
  const repository = useQuery({
    queryKey: repositoryKey(name),
    queryFn: () => getRepository(name),
    refetchInterval: POLL_INTERVAL,
  });
  const branches = useQuery({
    queryKey: branchesKey(name),
    queryFn: () => listAllBranches(name),
    refetchInterval: POLL_INTERVAL,
  });
  const metadata = repository.data;
  const ordered = orderBranches(branches.data ?? [], metadata?.defaultBranch);
  const ref = gitRef ?? metadata?.defaultBranch ?? ordered[0];
  const isBranch = ref !== undefined && (branches.data ?? []).includes(ref);

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={metadata?.repositoryDescription}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              {ref !== undefined && ordered.length > 0 && (
                <BranchSelect name={name} gitRef={ref} branches={ordered} view={view} />
              )}
              {metadata && <ConnectionSteps repository={metadata} />}
            </SpaceBetween>
          }
        >
          {name}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {repository.isPending && <StatusIndicator type="loading">Loading the repository</StatusIndicator>}
        {repository.error && <StatusIndicator type="error">{repository.error.message}</StatusIndicator>}
        {metadata && ref === undefined && branches.isSuccess && (
          <Box variant="p">
            This repository is empty: it has no branches yet. Use Clone URL to see how to clone it and push a
            first commit.
          </Box>
        )}
        {metadata && ref !== undefined && (
          <Tabs
            activeTabId={view}
            onChange={({ detail }) => {
              if (detail.activeTabHref) navigate(detail.activeTabHref.slice(CONSOLE_BASE.length));
            }}
            tabs={[
              {
                id: "code",
                label: "Code",
                href: href(repositoryCodePath(name, ref)),
                content: <RepositoryCode name={name} gitRef={ref} filePath={filePath} live={isBranch} />,
              },
              {
                id: "commits",
                label: "Commits",
                href: href(repositoryCommitsPath(name, ref)),
                content: <CommitHistory name={name} gitRef={ref} isBranch={isBranch} />,
              },
            ]}
          />
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}
