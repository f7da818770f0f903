import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { OperationContext } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import {
  recordPullRequestEvent,
  type PullRequestBusEvent,
  type PullRequestEventType,
} from "../pull-requests/events.js";
import {
  approvalRulesOf,
  repositoryOfPullRequest,
  type PullRequestKey,
  type PullRequestRow,
} from "../pull-requests/rows.js";
import { MAX_APPROVALS, parseApprovalRuleContent, ruleSatisfied } from "./rule-content.js";

export { MAX_APPROVALS };

// Quotas ("Quotas in AWS CodeCommit"): 25 approval rules per pull request; 200 approvals per pull
// request is MAX_APPROVALS, beside the rule parser that also checks it.
export const MAX_RULES = 25;

/** Checks an approval rule name (`ApprovalRuleNameRequiredException` / `InvalidApprovalRuleNameException`). */
export function checkRuleName(value: string | undefined): string {
  const name = required(value, "ApprovalRuleNameRequiredException", "approvalRuleName");
  if (name.length > 100) {
    throw codecommitError(
      "InvalidApprovalRuleNameException",
      `approvalRuleName is ${name.length} characters long; at most 100 are allowed.`,
    );
  }
  return name;
}

/** The users who approve a revision. */
export async function approversOf(
  trx: Kysely<Database>,
  pr: PullRequestKey,
  revisionId: string,
): Promise<string[]> {
  const rows = await trx
    .selectFrom("codecommit_approvals")
    .select("user_arn")
    .where("account_id", "=", pr.account_id)
    .where("region", "=", pr.region)
    .where("pull_request_id", "=", pr.pull_request_id)
    .where("revision_id", "=", revisionId)
    .orderBy("approved_at")
    .execute();
  return rows.map((r) => r.user_arn);
}

export async function overrideOf(trx: Kysely<Database>, pr: PullRequestKey, revisionId: string) {
  return trx
    .selectFrom("codecommit_approval_overrides")
    .selectAll()
    .where("account_id", "=", pr.account_id)
    .where("region", "=", pr.region)
    .where("pull_request_id", "=", pr.pull_request_id)
    .where("revision_id", "=", revisionId)
    .executeTakeFirst();
}

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

export async function touch(
  rt: CodeCommitRuntime,
  ctx: OperationContext,
  pr: PullRequestRow,
): Promise<PullRequestRow> {
  return ctx.trx
    .updateTable("codecommit_pull_requests")
    .set({ last_activity_at: rt.clock.now() })
    .where("account_id", "=", pr.account_id)
    .where("region", "=", pr.region)
    .where("pull_request_id", "=", pr.pull_request_id)
    .returningAll()
    .executeTakeFirstOrThrow();
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
  const updated = await touch(rt, ctx, pr);
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
