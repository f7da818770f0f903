import type { AnyOperation } from "../kit/index.js";
import { approvalOperations } from "./approval-operations.js";
import { approvalRuleOperations } from "./approval-rule-operations.js";
import { commentOperations } from "./comments.js";
import type { CodeCommitRuntime } from "./deps.js";
import { mergeQueryOperations } from "./merge-operations.js";
import { mergePullRequestOperations } from "./merge-pull-requests.js";
import { pullRequestCoreOperations } from "./pull-requests.js";

export { pullRequestSyncSubscription } from "./pull-requests-sync.js";

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
