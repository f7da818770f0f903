import { z } from "zod";
import { commitTree, RefConflictError, updateRef } from "../../../platform/git/index.js";
import { type OperationContext } from "../../kit/index.js";
import { evaluateApprovalRules } from "../approvals/state.js";
import { branchCommit } from "../branches/git.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { requireOpen } from "../pull-requests/checks.js";
import { recordPullRequestEvent } from "../pull-requests/events.js";
import {
  mergeMetadataOf,
  pullRequestShape,
  repositoryOfPullRequest,
  requirePullRequest,
  updatePullRequest,
} from "../pull-requests/rows.js";
import { actorOf, recordRefChanges } from "../ref-changes.js";
import { gitDirOfRow, requireRepository } from "../repositories/rows.js";
import { analyzeMerge, keepEmptyFolders, type MergeOption } from "./analysis.js";
import { checkCommitDetails, checkMergeSettings, ConflictResolutionInput } from "./checks.js";

const S = z.string().optional();

export const FastForwardInput = z.object({ pullRequestId: S, repositoryName: S, sourceCommitId: S });
export const MergeInput = FastForwardInput.extend({
  conflictDetailLevel: S,
  conflictResolutionStrategy: S,
  commitMessage: S,
  authorName: S,
  email: S,
  keepEmptyFolders: z.boolean().optional(),
  conflictResolution: ConflictResolutionInput.optional(),
});
type MergeInputT = z.output<typeof MergeInput>;

const MANUAL_MERGE =
  "cannot be merged automatically into the destination branch; merge the branches and resolve the conflicts manually";

/**
 * Merges a pull request: checks it (open, in the named repository, source tip as given, approval
 * rules satisfied or overridden), makes the merge commit, moves the destination branch by
 * compare-and-swap, records the ref change and closes the pull request as merged.
 */
export async function mergePullRequest(
  rt: CodeCommitRuntime,
  ctx: OperationContext,
  input: MergeInputT,
  option: MergeOption,
) {
  const pr = await requirePullRequest(ctx, input.pullRequestId, { lock: true, rt });
  const named = await requireRepository(ctx, input.repositoryName);
  if (named.repository_id !== pr.repository_id) {
    throw codecommitError(
      "RepositoryNotAssociatedWithPullRequestException",
      `Pull request ${pr.pull_request_id} is not in ${named.name}.`,
    );
  }
  const settings = checkMergeSettings(input);
  checkCommitDetails(input);
  requireOpen(pr);
  const repo = await repositoryOfPullRequest(rt, ctx.trx, pr);
  const gitDir = gitDirOfRow(rt, repo);
  const sourceBranch = pr.source_ref.slice("refs/heads/".length);
  const destinationBranch = pr.destination_ref.slice("refs/heads/".length);
  const source = await branchCommit(rt, repo, sourceBranch);
  if (source === undefined)
    throw codecommitError(
      "ReferenceDoesNotExistException",
      `Source branch ${pr.source_ref} no longer exists.`,
    );
  const destination = await branchCommit(rt, repo, destinationBranch);
  if (destination === undefined) {
    throw codecommitError(
      "ReferenceDoesNotExistException",
      `Destination branch ${pr.destination_ref} no longer exists.`,
    );
  }
  if (input.sourceCommitId !== undefined) {
    if (!/^[0-9a-fA-F]{40}$/.test(input.sourceCommitId)) {
      throw codecommitError(
        "InvalidCommitIdException",
        `sourceCommitId ${JSON.stringify(input.sourceCommitId)} is not a full 40-character commit ID.`,
      );
    }
    // "Pass this value if you want an exception thrown if the current commit ID of the tip of the
    // source branch does not match this commit ID."
    if (input.sourceCommitId.toLowerCase() !== source) {
      throw codecommitError(
        "TipOfSourceReferenceIsDifferentException",
        `The tip of ${pr.source_ref} is ${source}, not ${input.sourceCommitId}; the pull request was updated.`,
      );
    }
  }
  const evaluation = await evaluateApprovalRules(ctx.trx, pr);
  if (!evaluation.approved && !evaluation.overridden) {
    throw codecommitError(
      "PullRequestApprovalRulesNotSatisfiedException",
      `Pull request ${pr.pull_request_id} cannot be merged: approval rules not satisfied: ${evaluation.approvalRulesNotSatisfied.join(", ")}.`,
    );
  }

  const analysis = await analyzeMerge(gitDir, source, destination, settings);
  let mergeCommit: string;
  if (option === "FAST_FORWARD_MERGE") {
    if (!analysis.fastForward) {
      throw codecommitError(
        "ManualMergeRequiredException",
        `Pull request ${pr.pull_request_id} ${MANUAL_MERGE}: ${pr.destination_ref} is not an ancestor of ${pr.source_ref}, so a fast-forward is not possible.`,
      );
    }
    mergeCommit = source;
  } else {
    if (analysis.tree === undefined) {
      throw codecommitError(
        "ManualMergeRequiredException",
        `Pull request ${pr.pull_request_id} ${MANUAL_MERGE}. Conflicting files: ${analysis.conflicts.map((c) => c.path).join(", ")}.`,
      );
    }
    const identity = {
      name: input.authorName ?? ctx.principal.userName,
      email: input.email ?? "",
      at: rt.clock.now(),
    };
    const message =
      input.commitMessage ??
      (option === "SQUASH_MERGE"
        ? `${pr.title}\n\nSquash merge of pull request ${pr.pull_request_id} from ${sourceBranch} into ${destinationBranch}.`
        : `Merge pull request ${pr.pull_request_id} from ${sourceBranch} into ${destinationBranch}\n\n${pr.title}`);
    const parents = option === "SQUASH_MERGE" ? [destination] : [destination, source];
    const tree = input.keepEmptyFolders
      ? await keepEmptyFolders(gitDir, destination, analysis.tree)
      : analysis.tree;
    mergeCommit = await commitTree(gitDir, tree, parents, message, identity);
  }

  try {
    await updateRef(
      gitDir,
      pr.destination_ref,
      mergeCommit,
      destination,
      `${option} of pull request ${pr.pull_request_id} by ${ctx.principal.arn}`,
    );
  } catch (err) {
    if (err instanceof RefConflictError) {
      throw codecommitError(
        "ConcurrentReferenceUpdateException",
        `${pr.destination_ref} changed while the merge was in progress; try again.`,
      );
    }
    throw err;
  }
  await recordRefChanges(rt, ctx.trx, repo.repository_id, actorOf(ctx), {
    refs: [pr.destination_ref],
    extra: (change) =>
      change.ref === pr.destination_ref
        ? {
            ...(analysis.baseCommitId !== undefined ? { baseCommitId: analysis.baseCommitId } : {}),
            sourceCommitId: source,
            destinationCommitId: destination,
            mergeOption: option,
          }
        : undefined,
  });
  const merged = await updatePullRequest(ctx.trx, pr, {
    status: "CLOSED",
    is_merged: 1,
    merged_by: ctx.principal.arn,
    merge_commit_id: mergeCommit,
    merge_option: option,
    source_commit: source,
    destination_commit: destination,
    last_activity_at: rt.clock.now(),
  });
  await recordPullRequestEvent(rt, ctx.trx, repo, merged, {
    type: "PULL_REQUEST_MERGE_STATE_CHANGED",
    busEvent: "pullRequestMergeStatusUpdated",
    actorArn: ctx.principal.arn,
    metadata: {
      repositoryName: repo.name,
      destinationReference: pr.destination_ref,
      mergeMetadata: mergeMetadataOf(merged),
    },
    summary: `Merged (${option})`,
  });
  return { pullRequest: await pullRequestShape(ctx.trx, merged) };
}

// MergePullRequestByFastForward, MergePullRequestBySquash and MergePullRequestByThreeWay.
