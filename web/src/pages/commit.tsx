// One commit, like the CodeCommit console's commit view: its message, author, committer and
// parents, and its changes against its first parent (GetDifferences, then each file's blobs).
import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { FileDiffView } from "../components/file-diff";
import { firstLine, formatGitDate } from "../format";
import { commitPath, repositoryCodePath } from "../paths";
import { commitDifferencesKey, commitKey } from "../query-keys";
import { type Commit, getAllDifferences, getCommit, type UserInfo } from "../services/codecommit";
import { ConsoleLink } from "../components/console-link";

function person(user: UserInfo | undefined): string {
  if (!user?.name && !user?.email) return "-";
  return user.email ? `${user.name ?? ""} <${user.email}>`.trim() : (user.name ?? "-");
}

function CommitDetails({ name, commit }: { name: string; commit: Commit }) {
  const parents = commit.parents ?? [];
  return (
    <Container header={<Header variant="h2">Commit details</Header>}>
      <KeyValuePairs
        columns={2}
        items={[
          { label: "Commit ID", value: <Box variant="code">{commit.commitId}</Box> },
          {
            label: "Parents",
            value:
              parents.length === 0 ? (
                "None (the first commit)"
              ) : (
                <SpaceBetween direction="horizontal" size="xs">
                  {parents.map((p) => (
                    <ConsoleLink key={p} path={commitPath(name, p)}>
                      {p.slice(0, 7)}
                    </ConsoleLink>
                  ))}
                </SpaceBetween>
              ),
          },
          { label: "Author", value: person(commit.author) },
          { label: "Authored", value: formatGitDate(commit.author?.date) },
          { label: "Committer", value: person(commit.committer) },
          { label: "Committed", value: formatGitDate(commit.committer?.date) },
          {
            label: "Files",
            value: (
              <ConsoleLink path={repositoryCodePath(name, commit.commitId)}>
                Browse the repository at this commit
              </ConsoleLink>
            ),
          },
        ]}
      />
      <Box margin={{ top: "l" }}>
        <Box variant="awsui-key-label">Message</Box>
        <div style={{ whiteSpace: "pre-wrap" }}>{commit.message ?? ""}</div>
      </Box>
    </Container>
  );
}

function Changes({ name, commit }: { name: string; commit: Commit }) {
  const parent = commit.parents?.[0];
  const query = useQuery({
    queryKey: commitDifferencesKey(name, commit.commitId),
    queryFn: () => getAllDifferences(name, parent, commit.commitId),
    staleTime: Infinity,
  });
  const differences = query.data ?? [];
  return (
    <SpaceBetween size="m">
      <Header
        variant="h2"
        counter={query.data ? `(${differences.length})` : undefined}
        description={parent ? `Compared with the first parent, ${parent.slice(0, 7)}` : "The first commit"}
      >
        Changes
      </Header>
      {query.isPending && <StatusIndicator type="loading">Loading the changes</StatusIndicator>}
      {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
      {query.data && differences.length === 0 && <Box>This commit changes no files.</Box>}
      {differences.map((d) => (
        <FileDiffView
          key={`${d.beforeBlob?.path ?? ""}→${d.afterBlob?.path ?? ""}`}
          name={name}
          difference={d}
        />
      ))}
    </SpaceBetween>
  );
}

export default function CommitPage({ name, commitId }: { name: string; commitId: string }) {
  const query = useQuery({
    queryKey: commitKey(name, commitId),
    queryFn: () => getCommit(name, commitId),
    staleTime: Infinity,
  });
  const commit = query.data;
  return (
    <ContentLayout
      header={
        <Header variant="h1" description={commit ? firstLine(commit.message) : undefined}>
          Commit {commitId.slice(0, 7)}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {query.isPending && <StatusIndicator type="loading">Loading the commit</StatusIndicator>}
        {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
        {commit && <CommitDetails name={name} commit={commit} />}
        {commit && <Changes name={name} commit={commit} />}
      </SpaceBetween>
    </ContentLayout>
  );
}
