import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { PullRequestKey } from "../pull-requests/rows.js";

/** A stored approval rule. */
export type ApprovalRuleRow = Selectable<Database["codecommit_approval_rules"]>;

/** The rows of a pull request's approval rules, oldest first. */
export async function approvalRulesOf(trx: Kysely<Database>, pr: PullRequestKey): Promise<ApprovalRuleRow[]> {
  return trx
    .selectFrom("codecommit_approval_rules")
    .selectAll()
    .where("account_id", "=", pr.account_id)
    .where("region", "=", pr.region)
    .where("pull_request_id", "=", pr.pull_request_id)
    .orderBy("created_at")
    .orderBy("name")
    .execute();
}

/** `ApprovalRule` as AWS returns it. */
export function approvalRuleShape(row: ApprovalRuleRow) {
  return {
    approvalRuleId: row.approval_rule_id,
    approvalRuleName: row.name,
    approvalRuleContent: row.content,
    ruleContentSha256: row.content_sha256,
    lastModifiedDate: new Date(Number(row.last_modified_at)),
    creationDate: new Date(Number(row.created_at)),
    lastModifiedUser: row.last_modified_user,
  };
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
