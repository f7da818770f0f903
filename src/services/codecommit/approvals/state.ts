import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { OperationContext } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import {
  recordPullRequestEvent,
  type PullRequestBusEvent,
  type PullRequestEventType,
} from "../pull-requests/events.js";
import { repositoryOfPullRequest, updatePullRequest, type PullRequestRow } from "../pull-requests/rows.js";
import { approvalRulesOf, approversOf, overrideOf } from "./rows.js";
import { MAX_APPROVALS, parseApprovalRuleContent, ruleSatisfied } from "./rule-content.js";

export { MAX_APPROVALS };

// Quotas ("Quotas in AWS CodeCommit"): 25 approval rules per pull request; 200 approvals per pull
// request is MAX_APPROVALS, beside the rule parser that also checks it.
export const MAX_RULES = 25;

/** `Evaluation` of a pull request's current revision against its approval rules. */
export async function evaluateApprovalRules(trx: Kysely<Database>, pr: PullRequestRow) {
  const approvers = await approversOf(trx, pr, pr.revision_id);
  const satisfied: string[] = [];
  const notSatisfied: string[] = [];
  for (const rule of await approvalRulesOf(trx, pr)) {
    (ruleSatisfied(parseApprovalRuleContent(rule.content), approvers) ? satisfied : notSatisfied).push(
      rule.name,
    );
  }
  return {
    approved: notSatisfied.length === 0,
    overridden: (await overrideOf(trx, pr, pr.revision_id)) !== undefined,
    approvalRulesSatisfied: satisfied,
    approvalRulesNotSatisfied: notSatisfied,
  };
}

export async function record(
  rt: CodeCommitRuntime,
  ctx: OperationContext,
  pr: PullRequestRow,
  type: PullRequestEventType,
  busEvent: PullRequestBusEvent,
  metadata: Record<string, unknown>,
  detail: Record<string, unknown>,
  summary: string,
): Promise<void> {
  const repo = await repositoryOfPullRequest(rt, ctx.trx, pr);
  const updated = await updatePullRequest(ctx.trx, pr, { last_activity_at: rt.clock.now() });
  await recordPullRequestEvent(rt, ctx.trx, repo, updated, {
    type,
    busEvent,
    actorArn: ctx.principal.arn,
    metadata,
    detail,
    summary,
  });
}

export function findRule(rules: Awaited<ReturnType<typeof approvalRulesOf>>, name: string) {
  return rules.find((r) => r.name === name);
}
