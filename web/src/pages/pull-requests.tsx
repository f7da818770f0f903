// A repository's pull requests, like the CodeCommit console's Pull requests page: open or closed
// ones, each with its status, author and last activity.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import SegmentedControl from "@cloudscape-design/components/segmented-control";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table from "@cloudscape-design/components/table";
import { PullRequestStatusIndicator, shortArn } from "../components/pull-request-status";
import { queryTableProps } from "../components/table-states";
import { formatTime } from "../format";
import { createPullRequestPath, pullRequestPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { pullRequestsKey } from "../query-keys";
import { followLink, href } from "../router";
import {
  getPullRequest,
  listPullRequests,
  type PullRequest,
  type PullRequestStatus,
} from "../services/pull-requests";
import { ConsoleLink } from "../components/console-link";

/** Every pull request of the repository with that status, newest activity first. */
async function fetchPullRequests(repositoryName: string, status: PullRequestStatus): Promise<PullRequest[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listPullRequests({ repositoryName, pullRequestStatus: status, nextToken });
    ids.push(...(page.pullRequestIds ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const pullRequests = await Promise.all(ids.map((id) => getPullRequest(id)));
  return pullRequests.sort((a, b) => (b.lastActivityDate ?? 0) - (a.lastActivityDate ?? 0));
}

export default function PullRequestsPage({ repositoryName }: { repositoryName: string }) {
  const [status, setStatus] = useState<PullRequestStatus>("OPEN");
  const query = useQuery({
    queryKey: pullRequestsKey(repositoryName, status),
    queryFn: () => fetchPullRequests(repositoryName, status),
    refetchInterval: POLL_INTERVAL,
  });
  const createPath = createPullRequestPath(repositoryName);
  return (
    <Table
      variant="full-page"
      header={
        <Header
          variant="h1"
          counter={query.data ? `(${query.data.length})` : undefined}
          description={`Pull requests of ${repositoryName}`}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <SegmentedControl
                label="Pull request status"
                selectedId={status}
                onChange={({ detail }) => setStatus(detail.selectedId as PullRequestStatus)}
                options={[
                  { id: "OPEN", text: "Open pull requests" },
                  { id: "CLOSED", text: "Closed pull requests" },
                ]}
              />
              <Button variant="primary" href={href(createPath)} onFollow={followLink}>
                Create pull request
              </Button>
            </SpaceBetween>
          }
        >
          Pull requests
        </Header>
      }
      {...queryTableProps(query, "pull requests", {
        title: status === "OPEN" ? "No open pull requests" : "No closed pull requests",
        subtitle: undefined,
        action: { text: "Create pull request", path: createPath },
      })}
      trackBy="pullRequestId"
      columnDefinitions={[
        { id: "id", header: "ID", cell: (pr) => pr.pullRequestId },
        {
          id: "title",
          header: "Title",
          isRowHeader: true,
          cell: (pr) => (
            <ConsoleLink path={pullRequestPath(repositoryName, pr.pullRequestId)}>
              {pr.title || pr.pullRequestId}
            </ConsoleLink>
          ),
        },
        { id: "author", header: "Author", cell: (pr) => shortArn(pr.authorArn) },
        { id: "status", header: "Status", cell: (pr) => <PullRequestStatusIndicator pullRequest={pr} /> },
        { id: "activity", header: "Last activity", cell: (pr) => formatTime(pr.lastActivityDate) },
      ]}
    />
  );
}
