// A pull request's approvals: who approved this revision (GetPullRequestApprovalStates), whether its
// rules are satisfied (EvaluatePullRequestApprovalRules), the rules themselves, and Approve or
// Revoke approval for the signed-in principal (UpdatePullRequestApprovalState).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { POLL_INTERVAL } from "../query";
import { pullRequestKey } from "../query-keys";
import {
  type ApprovalRule,
  deletePullRequestApprovalRule,
  evaluatePullRequestApprovalRules,
  getPullRequestApprovalStates,
  type PullRequest,
  updatePullRequestApprovalState,
} from "../services/pull-requests";
import { useSession } from "../session";
import { ApprovalRuleModal } from "./approval-rule-modal";
import { shortArn } from "./pull-request-status";
import { EmptyState } from "./table-states";

/** What a rule's content asks for, in words; the raw content when it is not the usual shape. */
function describeRule(rule: ApprovalRule): { needed: string; pool: string } {
  try {
    const content = JSON.parse(rule.approvalRuleContent ?? "") as {
      Statements?: { NumberOfApprovalsNeeded?: number; ApprovalPoolMembers?: string[] }[];
    };
    const statement = content.Statements?.[0];
    return {
      needed: String(statement?.NumberOfApprovalsNeeded ?? "-"),
      pool: statement?.ApprovalPoolMembers?.join(", ") || "Anyone",
    };
  } catch {
    return { needed: "-", pool: rule.approvalRuleContent ?? "-" };
  }
}

export function PullRequestApprovals({ pullRequest }: { pullRequest: PullRequest }) {
  const queryClient = useQueryClient();
  const session = useSession();
  const id = pullRequest.pullRequestId;
  const revisionId = pullRequest.revisionId ?? "";
  const open = pullRequest.pullRequestStatus === "OPEN";
  const [creating, setCreating] = useState(false);
  const key = [...pullRequestKey(id), "approvals", revisionId] as const;
  const query = useQuery({
    queryKey: key,
    queryFn: async () => {
      const [approvals, evaluation] = await Promise.all([
        getPullRequestApprovalStates(id, revisionId),
        evaluatePullRequestApprovalRules(id, revisionId),
      ]);
      return { approvals, evaluation };
    },
    refetchInterval: POLL_INTERVAL,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: pullRequestKey(id) });
  const approvers = (query.data?.approvals ?? [])
    .filter((a) => a.approvalState === "APPROVE")
    .map((a) => a.userArn ?? "");
  const me = session.data?.principal.arn;
  const approvedByMe = me !== undefined && approvers.includes(me);
  const vote = useMutation({
    mutationFn: (approvalState: "APPROVE" | "REVOKE") =>
      updatePullRequestApprovalState({ pullRequestId: id, revisionId, approvalState }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (approvalRuleName: string) =>
      deletePullRequestApprovalRule({ pullRequestId: id, approvalRuleName }),
    onSuccess: refresh,
  });
  const evaluation = query.data?.evaluation;
  const satisfied = new Set(evaluation?.approvalRulesSatisfied ?? []);
  const rules = pullRequest.approvalRules ?? [];

  return (
    <SpaceBetween size="l">
      <Container
        header={
          <Header
            variant="h2"
            actions={
              open && (
                <Button
                  variant={approvedByMe ? "normal" : "primary"}
                  loading={vote.isPending}
                  onClick={() => vote.mutate(approvedByMe ? "REVOKE" : "APPROVE")}
                >
                  {approvedByMe ? "Revoke approval" : "Approve"}
                </Button>
              )
            }
          >
            Approvals
          </Header>
        }
      >
        <SpaceBetween size="m">
          {vote.error && <StatusIndicator type="error">{vote.error.message}</StatusIndicator>}
          {query.isPending && <StatusIndicator type="loading">Loading approvals</StatusIndicator>}
          {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
          {query.data && (
            <KeyValuePairs
              columns={2}
              items={[
                {
                  label: "Approval status",
                  value: evaluation?.overridden ? (
                    <StatusIndicator type="info">Approval rules overridden</StatusIndicator>
                  ) : evaluation?.approved ? (
                    <StatusIndicator type="success">Approved</StatusIndicator>
                  ) : (
                    <StatusIndicator type="pending">Not approved</StatusIndicator>
                  ),
                },
                {
                  label: "Approved by",
                  value: approvers.length === 0 ? "No one yet" : approvers.map(shortArn).join(", "),
                },
              ]}
            />
          )}
        </SpaceBetween>
      </Container>
      <Table
        variant="container"
        header={
          <Header
            variant="h2"
            counter={`(${rules.length})`}
            actions={open && <Button onClick={() => setCreating(true)}>Create approval rule</Button>}
          >
            Approval rules
          </Header>
        }
        items={rules}
        trackBy="approvalRuleName"
        empty={<EmptyState title="No approval rules" subtitle="Anyone may merge this pull request." />}
        columnDefinitions={[
          { id: "name", header: "Name", cell: (r) => r.approvalRuleName ?? "-", isRowHeader: true },
          {
            id: "status",
            header: "Status",
            cell: (r) =>
              !query.data ? (
                "-"
              ) : satisfied.has(r.approvalRuleName ?? "") ? (
                <StatusIndicator type="success">Rule satisfied</StatusIndicator>
              ) : (
                <StatusIndicator type="pending">Rule not satisfied</StatusIndicator>
              ),
          },
          { id: "needed", header: "Approvals needed", cell: (r) => describeRule(r).needed },
          { id: "pool", header: "Approval pool", cell: (r) => describeRule(r).pool },
          {
            id: "actions",
            header: "Actions",
            cell: (r) =>
              open && !r.originApprovalRuleTemplate ? (
                <Button
                  variant="inline-link"
                  ariaLabel={`Delete approval rule ${r.approvalRuleName ?? ""}`}
                  loading={remove.isPending && remove.variables === r.approvalRuleName}
                  onClick={() => remove.mutate(r.approvalRuleName ?? "")}
                >
                  Delete
                </Button>
              ) : (
                "-"
              ),
          },
        ]}
      />
      {remove.error && (
        <Box>
          <StatusIndicator type="error">{remove.error.message}</StatusIndicator>
        </Box>
      )}
      {creating && <ApprovalRuleModal pullRequestId={id} onDismiss={() => setCreating(false)} />}
    </SpaceBetween>
  );
}
