import { z } from "zod";
import { operation, type AnyOperation } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { checkRevision, requireOpen, requirePullRequest } from "../pull-requests/rows.js";

import { approversOf, evaluateApprovalRules, MAX_APPROVALS, overrideOf, record } from "./state.js";

const S = z.string().optional();

/** Approvals, their evaluation and overrides: UpdatePullRequestApprovalState, GetPullRequestApprovalStates, EvaluatePullRequestApprovalRules, OverridePullRequestApprovalRules, GetPullRequestOverrideState. */
export function approvalOperations(rt: CodeCommitRuntime): AnyOperation[] {
  return [
    operation({
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
    }),
    operation({
      name: "GetPullRequestApprovalStates",
      input: z.object({ pullRequestId: S, revisionId: S }),
      handler: async (input, ctx) => {
        const pr = await requirePullRequest(ctx, input.pullRequestId);
        const revisionId = checkRevision(pr, input.revisionId, false);
        const approvers = await approversOf(ctx.trx, pr, revisionId);
        return { approvals: approvers.map((userArn) => ({ userArn, approvalState: "APPROVE" })) };
      },
    }),
    operation({
      name: "EvaluatePullRequestApprovalRules",
      input: z.object({ pullRequestId: S, revisionId: S }),
      handler: async (input, ctx) => {
        const pr = await requirePullRequest(ctx, input.pullRequestId);
        checkRevision(pr, input.revisionId);
        return { evaluation: await evaluateApprovalRules(ctx.trx, pr) };
      },
    }),
    operation({
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
    }),
    operation({
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
    }),
  ];
}
