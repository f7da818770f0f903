import { gitText, resolveCommit } from "../../../platform/git/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { gitDirOfRow, type RepositoryRow } from "../repositories/rows.js";

/** How a request field names a commit, and what its absence means. */
export interface SpecifierField {
  /** The request field, for messages (`commitSpecifier`, `sourceCommitSpecifier`…). */
  field: string;
  /**
   * No specifier: the head of the default branch (GetFile, GetFolder, GetDifferences; a repository
   * without one has nothing to show: CommitDoesNotExistException), or `CommitRequiredException`
   * (merges).
   */
  whenAbsent: "default-branch" | "required";
  /** The error for a value that is not a name or an id; default InvalidCommitException. */
  invalidCode?: string;
}

/**
 * The commit a specifier names: a branch, then a tag, then a commit id (full or abbreviated), or
 * `HEAD` or a full ref (`refs/heads/main`) — the one rule for every operation that takes one.
 * Revision expressions (`main~1`, `a..b`, `@{1}`), option-like and control characters are refused:
 * a specifier reads what a name points at, nothing more.
 */
export async function resolveSpecifier(
  gitDir: string,
  repo: RepositoryRow,
  specifier: string | undefined,
  how: SpecifierField,
): Promise<string> {
  const { field } = how;
  if (specifier === undefined || specifier === "") {
    if (how.whenAbsent === "required")
      throw codecommitError("CommitRequiredException", `${field} is required.`);
    const head = repo.default_branch === null ? undefined : await resolveCommit(gitDir, "HEAD");
    if (head === undefined) {
      throw codecommitError(
        "CommitDoesNotExistException",
        `No ${field} was given and ${repo.name} has no default branch yet.`,
      );
    }
    return head;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f:~^?*[\\]|\.\.|@\{/.test(specifier) || specifier.startsWith("-")) {
    throw codecommitError(
      how.invalidCode ?? "InvalidCommitException",
      `${field} ${JSON.stringify(specifier)} is not valid: use a branch, a tag, HEAD or a commit ID.`,
    );
  }
  const commitId =
    specifier === "HEAD" || specifier.startsWith("refs/")
      ? await resolveCommit(gitDir, specifier)
      : ((await resolveCommit(gitDir, `refs/heads/${specifier}`)) ??
        (await resolveCommit(gitDir, `refs/tags/${specifier}`)) ??
        (/^[0-9a-f]{4,40}$/i.test(specifier) ? await resolveCommit(gitDir, specifier) : undefined));
  if (commitId === undefined) {
    throw codecommitError(
      "CommitDoesNotExistException",
      `${field} ${JSON.stringify(specifier)} names no commit in ${repo.name}.`,
    );
  }
  return commitId;
}

/** {@link resolveSpecifier} in a repository of this server. */
export function resolveInRepository(
  rt: CodeCommitRuntime,
  repo: RepositoryRow,
  specifier: string | undefined,
  field: string,
): Promise<string> {
  return resolveSpecifier(gitDirOfRow(rt, repo), repo, specifier, { field, whenAbsent: "default-branch" });
}

/** The root tree of a commit. */
export function treeOf(gitDir: string, commitId: string): Promise<string> {
  return gitText(["rev-parse", "--verify", `${commitId}^{tree}`], { gitDir });
}
