import type { AnyOperation } from "../kit/index.js";
import { approvalOperations } from "./approvals/operations-states.js";
import { approvalRuleOperations } from "./approvals/operations.js";
import { commentOperations } from "./comments/operations.js";
import type { CodeCommitRuntime } from "./deps.js";
import { mergeQueryOperations } from "./merges/operations.js";
import { mergePullRequestOperations } from "./merges/merging.js";
import { pullRequestCoreOperations } from "./pull-requests/operations.js";

export { pullRequestSyncSubscription } from "./pull-requests/sync.js";

/** Pull requests, comments, approvals and merges, with GetMergeConflicts and GetMergeOptions. */
export function pullRequestOperations(rt: CodeCommitRuntime): AnyOperation[] {
  return [
    ...pullRequestCoreOperations(rt),
    ...commentOperations(rt),
    ...approvalRuleOperations(rt),
    ...approvalOperations(rt),
    ...mergeQueryOperations(rt),
    ...mergePullRequestOperations(rt),
  ];
}
