import type { AnyOperation } from "../kit/index.js";
import type { CodeCommitRuntime } from "./deps.js";

/**
 * Files, folders, blobs, commits and differences: GetFile, GetFolder, GetBlob, PutFile, DeleteFile,
 * CreateCommit, GetCommit, BatchGetCommits, GetDifferences, GetMergeBase.
 */
export function contentOperations(_rt: CodeCommitRuntime): AnyOperation[] {
  return [];
}
