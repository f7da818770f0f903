// Merging a pull request: the strategies GetMergeOptions says are possible, a commit message and
// author for squash and three-way merges, the conflicts of an impossible merge, and the merge itself
// (MergePullRequestByFastForward, BySquash or ByThreeWay).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import RadioGroup from "@cloudscape-design/components/radio-group";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Textarea from "@cloudscape-design/components/textarea";
import { pullRequestKey } from "../query-keys";
import {
  getMergeOptions,
  mergePullRequest,
  type MergeOption,
  type PullRequest,
} from "../services/pull-requests";
import { MergeConflicts } from "./pr-conflicts";
import { branchName, shortArn } from "./pull-request-status";

const STRATEGIES: { value: MergeOption; label: string; description: string }[] = [
  {
    value: "FAST_FORWARD_MERGE",
    label: "Fast forward merge",
    description: "Moves the destination branch to the source's last commit; no merge commit.",
  },
  {
    value: "SQUASH_MERGE",
    label: "Squash and merge",
    description: "Combines the source's changes into one commit on the destination branch.",
  },
  {
    value: "THREE_WAY_MERGE",
    label: "Three-way merge",
    description: "Adds a merge commit joining the source and destination histories.",
  },
];

const OPTION_NAMES: Record<MergeOption, string> = {
  FAST_FORWARD_MERGE: "Fast forward",
  SQUASH_MERGE: "Squash",
  THREE_WAY_MERGE: "Three-way",
};

export function PullRequestMerge({ pullRequest }: { pullRequest: PullRequest }) {
  const queryClient = useQueryClient();
  const id = pullRequest.pullRequestId;
  const target = pullRequest.pullRequestTargets?.[0] ?? {};
  const repositoryName = target.repositoryName ?? "";
  const sourceCommit = target.sourceCommit ?? "";
  const destinationCommit = target.destinationCommit ?? "";
  const key = [...pullRequestKey(id), "merge-options", sourceCommit, destinationCommit] as const;
  const open = pullRequest.pullRequestStatus === "OPEN";
  const options = useQuery({
    queryKey: key,
    queryFn: () =>
      getMergeOptions({
        repositoryName,
        sourceCommitSpecifier: sourceCommit,
        destinationCommitSpecifier: destinationCommit,
      }),
    enabled: open && !target.mergeMetadata?.isMerged,
  });
  const [chosen, setChosen] = useState<MergeOption>();
  const [message, setMessage] = useState("");
  const [authorName, setAuthorName] = useState("");
  const [email, setEmail] = useState("");
  const possible = options.data?.mergeOptions ?? [];
  const strategy = chosen ?? possible[0] ?? "FAST_FORWARD_MERGE";
  const merge = useMutation({
    mutationFn: () =>
      mergePullRequest(strategy, {
        pullRequestId: id,
        repositoryName,
        sourceCommitId: sourceCommit,
        commitMessage: message,
        authorName,
        email,
      }),
    onSuccess: async (pr) => {
      queryClient.setQueryData(pullRequestKey(id), pr);
      await queryClient.invalidateQueries({ queryKey: ["codecommit"] });
    },
  });

  if (target.mergeMetadata?.isMerged) {
    const meta = target.mergeMetadata;
    return (
      <Container header={<Header variant="h2">Merge</Header>}>
        <SpaceBetween size="m">
          <StatusIndicator type="success">
            Merged into {branchName(target.destinationReference)}
          </StatusIndicator>
          <KeyValuePairs
            columns={3}
            items={[
              { label: "Merge option", value: meta.mergeOption ? OPTION_NAMES[meta.mergeOption] : "-" },
              { label: "Merged by", value: shortArn(meta.mergedBy) },
              { label: "Merge commit", value: meta.mergeCommitId ?? "-" },
            ]}
          />
        </SpaceBetween>
      </Container>
    );
  }
  if (!open) {
    return (
      <Container header={<Header variant="h2">Merge</Header>}>
        <Box>This pull request is closed without being merged.</Box>
      </Container>
    );
  }
  const allowed = possible.includes(strategy);
  return (
    <Container header={<Header variant="h2">Merge</Header>}>
      <SpaceBetween size="l">
        {options.isPending && <StatusIndicator type="loading">Checking the merge options</StatusIndicator>}
        {options.error && <StatusIndicator type="error">{options.error.message}</StatusIndicator>}
        <FormField label="Merge strategy">
          <RadioGroup
            value={strategy}
            onChange={({ detail }) => {
              merge.reset();
              setChosen(detail.value as MergeOption);
            }}
            items={STRATEGIES.map((s) => ({
              value: s.value,
              label: s.label,
              description:
                options.data && !possible.includes(s.value)
                  ? `${s.description} Not possible now.`
                  : s.description,
            }))}
          />
        </FormField>
        {options.data && !allowed && strategy === "FAST_FORWARD_MERGE" && (
          <Alert type="info">
            The destination branch has commits the source branch does not, so it cannot be fast-forwarded.
            Choose squash or three-way merge, or bring the source branch up to date.
          </Alert>
        )}
        {options.data && strategy !== "FAST_FORWARD_MERGE" && (
          <MergeConflicts
            repositoryName={repositoryName}
            sourceCommit={sourceCommit}
            destinationCommit={destinationCommit}
            sourceReference={target.sourceReference ?? ""}
            destinationReference={target.destinationReference ?? ""}
            mergeOption={strategy}
            queryKey={pullRequestKey(id)}
          />
        )}
        {strategy !== "FAST_FORWARD_MERGE" && (
          <SpaceBetween size="m">
            <FormField
              label={
                <span>
                  Commit message - <i>optional</i>
                </span>
              }
            >
              <Textarea value={message} onChange={({ detail }) => setMessage(detail.value)} />
            </FormField>
            <FormField
              label={
                <span>
                  Author name - <i>optional</i>
                </span>
              }
            >
              <Input value={authorName} onChange={({ detail }) => setAuthorName(detail.value)} />
            </FormField>
            <FormField
              label={
                <span>
                  Email address - <i>optional</i>
                </span>
              }
            >
              <Input type="email" value={email} onChange={({ detail }) => setEmail(detail.value)} />
            </FormField>
          </SpaceBetween>
        )}
        {merge.error && (
          <Alert type="error" header="The pull request was not merged">
            {merge.error.message}
          </Alert>
        )}
        <Button
          variant="primary"
          disabled={!options.data || !allowed}
          loading={merge.isPending}
          onClick={() => merge.mutate()}
        >
          Merge pull request
        </Button>
      </SpaceBetween>
    </Container>
  );
}
