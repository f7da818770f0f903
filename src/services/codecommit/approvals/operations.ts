import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import { operation, type OperationContext } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { sha256Hex } from "../idempotency.js";
import { checkRevision, requireOpen } from "../pull-requests/checks.js";
import { requirePullRequest, type PullRequestRow } from "../pull-requests/rows.js";
import { checkRuleName } from "./checks.js";
import { approvalRuleShape, approvalRulesOf, approversOf, overrideOf, type ApprovalRuleRow } from "./rows.js";
import { parseApprovalRuleContent } from "./rule-content.js";
import { evaluateApprovalRules, findRule, MAX_APPROVALS, MAX_RULES, record } from "./state.js";

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

// CreatePullRequestApprovalRule, UpdatePullRequestApprovalRuleContent and DeletePullRequestApprovalRule.

export function createPullRequestApprovalRule(rt: CodeCommitRuntime) {
  return operation({
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
  });
}

export function updatePullRequestApprovalRuleContent(rt: CodeCommitRuntime) {
  return operation({
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
  });
}

export function deletePullRequestApprovalRule(rt: CodeCommitRuntime) {
  return operation({
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
  });
}

export function updatePullRequestApprovalState(rt: CodeCommitRuntime) {
  return operation({
    name: "UpdatePullRequestApprovalState",
    input: z.object({ pullRequestId: S, revisionId: S, approvalState: S }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId, { lock: true, rt });
      const revisionId = checkRevision(pr, input.revisionId);
      const state = required(input.approvalState, "ApprovalStateRequiredException", "approvalState");
      if (state !== "APPROVE" && state !== "REVOKE") {
        throw codecommitError(
          "InvalidApprovalStateException",
          `approvalState ${JSON.stringify(state)} is not valid: use APPROVE or REVOKE.`,
        );
      }
      requireOpen(pr);
      const me = ctx.principal.arn;
      if (state === "APPROVE" && me === pr.author_arn) {
        throw codecommitError(
          "PullRequestCannotBeApprovedByAuthorException",
          `${me} created pull request ${pr.pull_request_id} and so cannot approve it.`,
        );
      }
      const approvers = await approversOf(ctx.trx, pr, revisionId);
      const has = approvers.includes(me);
      if (state === "APPROVE" && has) return {};
      if (state === "REVOKE" && !has) return {};
      if (state === "APPROVE") {
        if (approvers.length >= MAX_APPROVALS) {
          throw codecommitError(
            "MaximumNumberOfApprovalsExceededException",
            `Pull request ${pr.pull_request_id} already has ${MAX_APPROVALS} approvals.`,
          );
        }
        await ctx.trx
          .insertInto("codecommit_approvals")
          .values({
            account_id: pr.account_id,
            region: pr.region,
            pull_request_id: pr.pull_request_id,
            revision_id: revisionId,
            user_arn: me,
            approved_at: rt.clock.now(),
          })
          .execute();
      } else {
        await ctx.trx
          .deleteFrom("codecommit_approvals")
          .where("account_id", "=", pr.account_id)
          .where("region", "=", pr.region)
          .where("pull_request_id", "=", pr.pull_request_id)
          .where("revision_id", "=", revisionId)
          .where("user_arn", "=", me)
          .execute();
      }
      await record(
        rt,
        ctx,
        pr,
        "PULL_REQUEST_APPROVAL_STATE_CHANGED",
        "pullRequestApprovalStateChanged",
        { revisionId, approvalStatus: state },
        { approvalStatus: state },
        state === "APPROVE" ? "Approved" : "Revoked approval",
      );
      return {};
    },
  });
}

export function getPullRequestApprovalStates(_rt: CodeCommitRuntime) {
  return operation({
    name: "GetPullRequestApprovalStates",
    input: z.object({ pullRequestId: S, revisionId: S }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId);
      const revisionId = checkRevision(pr, input.revisionId, false);
      const approvers = await approversOf(ctx.trx, pr, revisionId);
      return { approvals: approvers.map((userArn) => ({ userArn, approvalState: "APPROVE" })) };
    },
  });
}

export function evaluatePullRequestApprovalRules(_rt: CodeCommitRuntime) {
  return operation({
    name: "EvaluatePullRequestApprovalRules",
    input: z.object({ pullRequestId: S, revisionId: S }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId);
      checkRevision(pr, input.revisionId);
      return { evaluation: await evaluateApprovalRules(ctx.trx, pr) };
    },
  });
}

export function overridePullRequestApprovalRules(rt: CodeCommitRuntime) {
  return operation({
    name: "OverridePullRequestApprovalRules",
    input: z.object({ pullRequestId: S, revisionId: S, overrideStatus: S }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId, { lock: true, rt });
      const revisionId = checkRevision(pr, input.revisionId);
      const status = required(input.overrideStatus, "OverrideStatusRequiredException", "overrideStatus");
      if (status !== "OVERRIDE" && status !== "REVOKE") {
        throw codecommitError(
          "InvalidOverrideStatusException",
          `overrideStatus ${JSON.stringify(status)} is not valid: use OVERRIDE or REVOKE.`,
        );
      }
      requireOpen(pr);
      const existing = await overrideOf(ctx.trx, pr, revisionId);
      if (status === "OVERRIDE") {
        if (existing) {
          throw codecommitError(
            "OverrideAlreadySetException",
            `The approval rules of pull request ${pr.pull_request_id} are already overridden by ${existing.overrider_arn}.`,
          );
        }
        await ctx.trx
          .insertInto("codecommit_approval_overrides")
          .values({
            account_id: pr.account_id,
            region: pr.region,
            pull_request_id: pr.pull_request_id,
            revision_id: revisionId,
            overrider_arn: ctx.principal.arn,
            overridden_at: rt.clock.now(),
          })
          .execute();
      } else {
        if (!existing) return {};
        await ctx.trx
          .deleteFrom("codecommit_approval_overrides")
          .where("account_id", "=", pr.account_id)
          .where("region", "=", pr.region)
          .where("pull_request_id", "=", pr.pull_request_id)
          .where("revision_id", "=", revisionId)
          .execute();
      }
      await record(
        rt,
        ctx,
        pr,
        "PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN",
        "pullRequestApprovalRuleOverridden",
        { revisionId, overrideStatus: status },
        { overrideStatus: status },
        status === "OVERRIDE" ? "Overrode the approval rules" : "Revoked the approval rule override",
      );
      return {};
    },
  });
}

export function getPullRequestOverrideState(_rt: CodeCommitRuntime) {
  return operation({
    name: "GetPullRequestOverrideState",
    input: z.object({ pullRequestId: S, revisionId: S }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId);
      const revisionId = checkRevision(pr, input.revisionId, false);
      const existing = await overrideOf(ctx.trx, pr, revisionId);
      return {
        overridden: existing !== undefined,
        ...(existing ? { overrider: existing.overrider_arn } : {}),
      };
    },
  });
}
