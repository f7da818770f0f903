import { listRefs } from "../../../platform/git/index.js";
import { branchRef } from "../checks.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { gitDirOfRow, type RepositoryRow } from "../repositories/rows.js";

/** The commit a branch points at, or undefined when the branch does not exist. */
export async function branchCommit(
  rt: CodeCommitRuntime,
  repo: RepositoryRow,
  branch: string,
): Promise<string | undefined> {
  const ref = branchRef(branch);
  return (await listRefs(gitDirOfRow(rt, repo))).find((r) => r.name === ref)?.commitId;
}

/** `BranchDoesNotExistException`, naming the branch. */
export function branchNotFound(branch: string) {
  return codecommitError("BranchDoesNotExistException", `Branch ${branch} does not exist.`);
}
