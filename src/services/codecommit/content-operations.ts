import type { AnyOperation } from "../kit/index.js";
import { batchGetCommits, getCommit } from "./content/operations-commits.js";
import { createCommit } from "./content/operations-create-commit.js";
import type { CodeCommitRuntime } from "./deps.js";
import { getDifferences } from "./content/operations-differences.js";
import { deleteFile, putFile } from "./content/operations-file-changes.js";
import { getBlob, getFile, getFolder } from "./content/operations-files.js";

/**
 * Files, folders, blobs, commits and differences: GetFile, GetFolder, GetBlob, PutFile, DeleteFile,
 * CreateCommit, GetCommit, BatchGetCommits, GetDifferences. (AWS has no GetMergeBase operation;
 * `mergeBase` in platform/git serves the merge operations.)
 */
export function contentOperations(rt: CodeCommitRuntime): AnyOperation[] {
  return [
    getFile(rt),
    getFolder(rt),
    getBlob(rt),
    putFile(rt),
    deleteFile(rt),
    createCommit(rt),
    getCommit(rt),
    batchGetCommits(rt),
    getDifferences(rt),
  ];
}
