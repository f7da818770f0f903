import { gitText } from "../../../platform/git/index.js";
import { branchRef } from "../checks.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { gitDirOfRow, type RepositoryRow } from "../repositories/rows.js";

/**
 * The commit a branch points at in git, or undefined when the branch does not exist; for writes,
 * which compare-and-swap against git. Asks git for that one ref, not the whole list: the pattern
 * also matches refs below it as a folder (`x/…`), so the exact name is picked out.
 */
export async function branchCommit(
  rt: CodeCommitRuntime,
  repo: RepositoryRow,
  branch: string,
): Promise<string | undefined> {
  const ref = branchRef(branch);
  const text = await gitText(["for-each-ref", "--format=%(objectname) %(refname)", ref], {
    gitDir: gitDirOfRow(rt, repo),
  });
  for (const line of text.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0 && line.slice(space + 1) === ref) return line.slice(0, space);
  }
  return undefined;
}

/** `BranchDoesNotExistException`, naming the branch. */
export function branchNotFound(branch: string) {
  return codecommitError("BranchDoesNotExistException", `Branch ${branch} does not exist.`);
}
