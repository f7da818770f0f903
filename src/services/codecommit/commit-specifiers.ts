import { gitText, resolveCommit } from "../../platform/git/index.js";
import type { CodeCommitRuntime } from "./deps.js";
import { codecommitError } from "./errors.js";
import { gitDirOfRow, type RepositoryRow } from "./repository-rows.js";

/**
 * The commit a specifier names: a branch, a tag, `HEAD`, a full ref (`refs/heads/main`) or a
 * commit id, as GetFile, GetFolder and GetDifferences accept them. No specifier means the head of
 * the default branch; a repository without one has nothing to show (`CommitDoesNotExistException`:
 * "no commit was specified, and the specified repository has no default branch").
 */
export async function resolveSpecifier(
  rt: CodeCommitRuntime,
  repo: RepositoryRow,
  specifier: string | undefined,
  field: string,
): Promise<string> {
  const gitDir = gitDirOfRow(rt, repo);
  if (specifier === undefined || specifier === "") {
    const head = repo.default_branch === null ? undefined : await resolveCommit(gitDir, "HEAD");
    if (head === undefined) {
      throw codecommitError(
        "CommitDoesNotExistException",
        `No ${field} was given and ${repo.name} has no default branch yet.`,
      );
    }
    return head;
  }
  // Only names and ids: no revision expressions that could read past what a name points at.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f:~^\\]|\.\.|@\{/.test(specifier) || specifier.startsWith("-")) {
    throw codecommitError(
      "InvalidCommitException",
      `${field} ${JSON.stringify(specifier)} is not valid: use a branch, a tag, HEAD or a commit ID.`,
    );
  }
  const commitId = await resolveCommit(gitDir, specifier);
  if (commitId === undefined) {
    throw codecommitError(
      "CommitDoesNotExistException",
      `${field} ${JSON.stringify(specifier)} names no commit in ${repo.name}.`,
    );
  }
  return commitId;
}

/** The root tree of a commit. */
export function treeOf(gitDir: string, commitId: string): Promise<string> {
  return gitText(["rev-parse", "--verify", `${commitId}^{tree}`], { gitDir });
}
