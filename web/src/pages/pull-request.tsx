// One pull request, like the CodeCommit console's: its title, status and branches, its description,
// and tabs for its changes, comments, approvals and merging.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Tabs from "@cloudscape-design/components/tabs";
import { PullRequestActivity } from "../components/pr-activity";
import { PullRequestApprovals } from "../components/pr-approvals";
import { ChangedFiles } from "../components/pr-changes";
import { PullRequestMerge } from "../components/pr-merge";
import {
  branchName,
  isMerged,
  PullRequestStatusIndicator,
  shortArn,
} from "../components/pull-request-status";
import { formatTime } from "../format";
import { POLL_INTERVAL } from "../query";
import { pullRequestKey } from "../query-keys";
import { getPullRequest, type PullRequest, updatePullRequestStatus } from "../services/pull-requests";

function ClosePullRequest({ pullRequest }: { pullRequest: PullRequest }) {
  const queryClient = useQueryClient();
  const close = useMutation({
    mutationFn: () => updatePullRequestStatus(pullRequest.pullRequestId, "CLOSED"),
    onSuccess: async (pr) => {
      queryClient.setQueryData(pullRequestKey(pr.pullRequestId), pr);
      await queryClient.invalidateQueries({ queryKey: ["codecommit"] });
    },
  });
  return (
    <SpaceBetween size="xs" alignItems="end">
      <Button loading={close.isPending} onClick={() => close.mutate()}>
        Close pull request
      </Button>
      {close.error && <StatusIndicator type="error">{close.error.message}</StatusIndicator>}
    </SpaceBetween>
  );
}

function Details({ pullRequest }: { pullRequest: PullRequest }) {
  const target = pullRequest.pullRequestTargets?.[0];
  return (
    <Container header={<Header variant="h2">Details</Header>}>
      <SpaceBetween size="l">
        <KeyValuePairs
          columns={4}
          items={[
            { label: "Status", value: <PullRequestStatusIndicator pullRequest={pullRequest} /> },
            {
              label: "Branches",
              value: `${branchName(target?.sourceReference)} → ${branchName(target?.destinationReference)}`,
            },
            { label: "Author", value: shortArn(pullRequest.authorArn) },
            { label: "Created", value: formatTime(pullRequest.creationDate) },
            { label: "Last activity", value: formatTime(pullRequest.lastActivityDate) },
            ...(target?.mergeMetadata?.isMerged
              ? [
                  { label: "Merged by", value: shortArn(target.mergeMetadata.mergedBy) },
                  { label: "Merge commit", value: target.mergeMetadata.mergeCommitId ?? "-" },
                ]
              : []),
          ]}
        />
        <div>
          <Box variant="awsui-key-label">Description</Box>
          {pullRequest.description ? (
            <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{pullRequest.description}</div>
          ) : (
            <Box color="text-status-inactive">No description.</Box>
          )}
        </div>
      </SpaceBetween>
    </Container>
  );
}

export default function PullRequestPage({ repositoryName, id }: { repositoryName: string; id: string }) {
  const query = useQuery({
    queryKey: pullRequestKey(id),
    queryFn: () => getPullRequest(id),
    refetchInterval: POLL_INTERVAL,
  });
  const [tab, setTab] = useState("changes");
  const pr = query.data;
  const target = pr?.pullRequestTargets?.[0];
  const open = pr?.pullRequestStatus === "OPEN";
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={
            pr ? (
              <SpaceBetween direction="horizontal" size="l">
                <PullRequestStatusIndicator pullRequest={pr} />
                <span>
                  {branchName(target?.sourceReference)} → {branchName(target?.destinationReference)}
                </span>
                <span>by {shortArn(pr.authorArn)}</span>
              </SpaceBetween>
            ) : undefined
          }
          actions={pr && open && !isMerged(pr) ? <ClosePullRequest pullRequest={pr} /> : undefined}
        >
          {pr ? `${pr.pullRequestId}: ${pr.title ?? ""}` : `Pull request ${id}`}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {query.isPending && <StatusIndicator type="loading">Loading the pull request</StatusIndicator>}
        {query.error && <Alert type="error">{query.error.message}</Alert>}
        {pr && target?.repositoryName && target.repositoryName !== repositoryName && (
          <Alert type="warning">This pull request belongs to the repository {target.repositoryName}.</Alert>
        )}
        {pr && <Details pullRequest={pr} />}
        {pr && target?.sourceCommit && (
          <Tabs
            activeTabId={tab}
            onChange={({ detail }) => setTab(detail.activeTabId)}
            ariaLabel="Pull request"
            tabs={[
              {
                id: "changes",
                label: "Changes",
                content: (
                  <ChangedFiles
                    repositoryName={target.repositoryName ?? repositoryName}
                    before={target.mergeBase ?? target.destinationCommit}
                    after={target.sourceCommit}
                    queryKey={pullRequestKey(id)}
                  />
                ),
              },
              { id: "activity", label: "Activity", content: <PullRequestActivity pullRequest={pr} /> },
              { id: "approvals", label: "Approvals", content: <PullRequestApprovals pullRequest={pr} /> },
              { id: "merge", label: "Merge", content: <PullRequestMerge pullRequest={pr} /> },
            ]}
          />
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}
