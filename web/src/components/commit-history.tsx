// A ref's commit history. CodeCommit has no list-commits operation, so, as its console does, the
// history is walked from the ref's commit along first parents with GetCommit, a page at a time.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Header from "@cloudscape-design/components/header";
import Table from "@cloudscape-design/components/table";
import { firstLine, formatGitDate } from "../format";
import { commitPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { commitHistoryKey } from "../query-keys";
import { type Commit, getBranch, getCommit, getFolder } from "../services/codecommit";
import { EmptyState, emptyOrError, loadMoreFooter } from "./table-states";
import { ConsoleLink } from "./console-link";

const PAGE_SIZE = 25;

/** The commit a branch, tag or commit id points at. */
async function headOf(name: string, ref: string, isBranch: boolean): Promise<string> {
  if (isBranch) {
    const branch = await getBranch(name, ref);
    if (branch.commitId) return branch.commitId;
  }
  return (await getFolder(name, ref, "/")).commitId;
}

/** Up to PAGE_SIZE commits from `from` along first parents. */
async function walk(name: string, from: string): Promise<Commit[]> {
  const commits: Commit[] = [];
  let next: string | undefined = from;
  while (next && commits.length < PAGE_SIZE) {
    const commit = await getCommit(name, next);
    commits.push(commit);
    next = commit.parents?.[0];
  }
  return commits;
}

export function CommitHistory({
  name,
  gitRef,
  isBranch,
}: {
  name: string;
  gitRef: string;
  isBranch: boolean;
}) {
  const head = useQuery({
    queryKey: [...commitHistoryKey(name, gitRef), "head"],
    queryFn: () => headOf(name, gitRef, isBranch),
    refetchInterval: isBranch ? POLL_INTERVAL : false,
  });
  const history = useInfiniteQuery({
    queryKey: [...commitHistoryKey(name, gitRef), head.data],
    queryFn: ({ pageParam }) => walk(name, pageParam),
    initialPageParam: head.data ?? "",
    getNextPageParam: (last) => (last.length === PAGE_SIZE ? last[last.length - 1]?.parents?.[0] : undefined),
    enabled: head.data !== undefined,
  });
  const commits = history.data?.pages.flat() ?? [];
  return (
    <Table
      variant="container"
      header={
        <Header counter={history.hasNextPage ? `(${commits.length}+)` : `(${commits.length})`}>
          Commits
        </Header>
      }
      items={commits}
      loading={head.isPending || history.isPending}
      loadingText="Loading commits"
      trackBy="commitId"
      empty={emptyOrError(head.error ?? history.error, <EmptyState title="No commits" />)}
      columnDefinitions={[
        {
          id: "commitId",
          header: "Commit ID",
          cell: (c) => (
            <ConsoleLink path={commitPath(name, c.commitId)}>{c.commitId.slice(0, 7)}</ConsoleLink>
          ),
        },
        { id: "message", header: "Commit message", cell: (c) => firstLine(c.message), isRowHeader: true },
        { id: "author", header: "Author", cell: (c) => c.author?.name || "-" },
        { id: "date", header: "Date", cell: (c) => formatGitDate(c.author?.date) },
      ]}
      footer={loadMoreFooter(history)}
    />
  );
}
