import type { AnyOperation } from "../kit/index.js";
import type { CodeCommitRuntime } from "./deps.js";

/** Pull requests, comments, approvals and merges, with GetMergeConflicts and GetMergeOptions. */
export function pullRequestOperations(_rt: CodeCommitRuntime): AnyOperation[] {
  return [];
}
