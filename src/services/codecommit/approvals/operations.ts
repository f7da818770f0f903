import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import { operation, type AnyOperation, type OperationContext } from "../../kit/index.js";
import { parseApprovalRuleContent } from "./rule-content.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { checkRuleName, findRule, MAX_RULES, record } from "./state.js";
import {
  approvalRulesOf,
  approvalRuleShape,
  requireOpen,
  requirePullRequest,
  sha256Hex,
  type ApprovalRuleRow,
  type PullRequestRow,
} from "../pull-requests/rows.js";

const S = z.string().optional();

/** The pull request event and bus event of a rule created or updated, with the rule in its metadata. */
async function recordRuleWritten(
  rt: CodeCommitRuntime,
  ctx: OperationContext,
  pr: PullRequestRow,
  row: ApprovalRuleRow,
  change: "created" | "updated",
): Promise<void> {
  const name = row.name;
  await record(
    rt,
    ctx,
    pr,
    change === "created" ? "PULL_REQUEST_APPROVAL_RULE_CREATED" : "PULL_REQUEST_APPROVAL_RULE_UPDATED",
    change === "created" ? "pullRequestApprovalRuleCreated" : "pullRequestApprovalRuleUpdated",
    { approvalRuleName: name, approvalRuleId: row.approval_rule_id, approvalRuleContent: row.content },
    { approvalRuleId: row.approval_rule_id, approvalRuleName: name },
    `${change === "created" ? "Created" : "Updated"} approval rule ${name}`,
  );
}

/** CreatePullRequestApprovalRule, UpdatePullRequestApprovalRuleContent and DeletePullRequestApprovalRule. */
export function approvalRuleOperations(rt: CodeCommitRuntime): AnyOperation[] {
  return [
    operation({
      name: "CreatePullRequestApprovalRule",
      input: z.object({ pullRequestId: S, approvalRuleName: S, approvalRuleContent: S }),
      handler: async (input, ctx) => {
        const pr = await requirePullRequest(ctx, input.pullRequestId, { lock: true, rt });
        const name = checkRuleName(input.approvalRuleName);
        const content = required(
          input.approvalRuleContent,
          "ApprovalRuleContentRequiredException",
          "approvalRuleContent",
        );
        parseApprovalRuleContent(content);
        requireOpen(pr);
        const rules = await approvalRulesOf(ctx.trx, pr);
        if (findRule(rules, name)) {
          throw codecommitError(
            "ApprovalRuleNameAlreadyExistsException",
            `Pull request ${pr.pull_request_id} already has an approval rule named ${name}.`,
          );
        }
        if (rules.length >= MAX_RULES) {
          throw codecommitError(
            "NumberOfRulesExceededException",
            `Pull request ${pr.pull_request_id} already has ${MAX_RULES} approval rules, the most allowed.`,
          );
        }
        const now = rt.clock.now();
        const row = await ctx.trx
          .insertInto("codecommit_approval_rules")
          .values({
            approval_rule_id: newUuid(),
            account_id: pr.account_id,
            region: pr.region,
            pull_request_id: pr.pull_request_id,
            name,
            content,
            content_sha256: sha256Hex(content),
            last_modified_user: ctx.principal.arn,
            created_at: now,
            last_modified_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordRuleWritten(rt, ctx, pr, row, "created");
        return { approvalRule: approvalRuleShape(row) };
      },
    }),
    operation({
      name: "UpdatePullRequestApprovalRuleContent",
      input: z.object({
        pullRequestId: S,
        approvalRuleName: S,
        existingRuleContentSha256: S,
        newRuleContent: S,
      }),
      handler: async (input, ctx) => {
        const pr = await requirePullRequest(ctx, input.pullRequestId, { lock: true, rt });
        const name = checkRuleName(input.approvalRuleName);
        const content = required(
          input.newRuleContent,
          "ApprovalRuleContentRequiredException",
          "newRuleContent",
        );
        parseApprovalRuleContent(content);
        requireOpen(pr);
        const rule = findRule(await approvalRulesOf(ctx.trx, pr), name);
        if (!rule)
          throw codecommitError(
            "ApprovalRuleDoesNotExistException",
            `Pull request ${pr.pull_request_id} has no approval rule named ${name}.`,
          );
        if (
          input.existingRuleContentSha256 !== undefined &&
          input.existingRuleContentSha256 !== rule.content_sha256
        ) {
          throw codecommitError(
            "InvalidRuleContentSha256Exception",
            `existingRuleContentSha256 does not match the rule's current content (${rule.content_sha256}); it was changed since you read it.`,
          );
        }
        const row = await ctx.trx
          .updateTable("codecommit_approval_rules")
          .set({
            content,
            content_sha256: sha256Hex(content),
            last_modified_user: ctx.principal.arn,
            last_modified_at: rt.clock.now(),
          })
          .where("approval_rule_id", "=", rule.approval_rule_id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordRuleWritten(rt, ctx, pr, row, "updated");
        return { approvalRule: approvalRuleShape(row) };
      },
    }),
    operation({
      name: "DeletePullRequestApprovalRule",
      input: z.object({ pullRequestId: S, approvalRuleName: S }),
      handler: async (input, ctx) => {
        const pr = await requirePullRequest(ctx, input.pullRequestId, { lock: true, rt });
        const name = checkRuleName(input.approvalRuleName);
        requireOpen(pr);
        const rule = findRule(await approvalRulesOf(ctx.trx, pr), name);
        // "If the approval rule was deleted in an earlier API call, the response is 200 OK without content."
        if (!rule) return {};
        await ctx.trx
          .deleteFrom("codecommit_approval_rules")
          .where("approval_rule_id", "=", rule.approval_rule_id)
          .execute();
        const meta = {
          approvalRuleName: name,
          approvalRuleId: rule.approval_rule_id,
          approvalRuleContent: rule.content,
        };
        await record(
          rt,
          ctx,
          pr,
          "PULL_REQUEST_APPROVAL_RULE_DELETED",
          "pullRequestApprovalRuleDeleted",
          meta,
          { approvalRuleId: rule.approval_rule_id, approvalRuleName: name },
          `Deleted approval rule ${name}`,
        );
        return { approvalRuleId: rule.approval_rule_id };
      },
    }),
  ];
}
