import { codecommitError, required } from "./errors.js";

// CodeCommit quotas ("Quotas in AWS CodeCommit"): repository names are 1–100 letters, digits,
// periods, underscores and dashes, case sensitive, and cannot end in `.git`; branch names follow
// git's ref rules and are at most 256 bytes.

const REPOSITORY_NAME = /^[\w.-]{1,100}$/;

/** Checks a repository name as AWS does (`RepositoryNameRequiredException` / `InvalidRepositoryNameException`). */
export function checkRepositoryName(name: string | undefined, field = "repositoryName"): string {
  const value = required(name, "RepositoryNameRequiredException", field);
  if (
    !REPOSITORY_NAME.test(value) ||
    value.toLowerCase().endsWith(".git") ||
    value === "." ||
    value === ".."
  ) {
    throw codecommitError(
      "InvalidRepositoryNameException",
      `${field} ${JSON.stringify(value)} is not valid: use 1 to 100 letters, digits, '.', '_' or '-', not ending in '.git'.`,
    );
  }
  return value;
}

/** Why `name` is not a valid git branch name (`git check-ref-format --branch`), or undefined if it is. */
export function branchNameProblem(name: string): string | undefined {
  if (Buffer.byteLength(name) > 256) return "is longer than 256 bytes";
  if (name === "@" || name === "HEAD") return `cannot be ${name}`;
  if (name.startsWith("-")) return "cannot start with '-'";
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//"))
    return "cannot start or end with '/' or contain '//'";
  if (name.endsWith(".") || name.endsWith(".lock")) return "cannot end with '.' or '.lock'";
  if (name.includes("..") || name.includes("@{")) return "cannot contain '..' or '@{'";
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name))
    return "cannot contain spaces, control characters or any of ~ ^ : ? * [ \\";
  if (name.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"))) {
    return "cannot have a path component starting with '.' or ending with '.lock'";
  }
  return undefined;
}

/** Checks a branch name (`BranchNameRequiredException` / `InvalidBranchNameException`). */
export function checkBranchName(name: string | undefined, field = "branchName"): string {
  const value = required(name, "BranchNameRequiredException", field);
  const problem = branchNameProblem(value);
  if (problem) {
    throw codecommitError(
      "InvalidBranchNameException",
      `${field} ${JSON.stringify(value)} is not a valid branch name: it ${problem}.`,
    );
  }
  return value;
}

/** A branch's full ref name. */
export function branchRef(branch: string): string {
  return `refs/heads/${branch}`;
}

/** A full 40-hex commit id, or `InvalidCommitIdException` / `CommitIdRequiredException`. */
export function checkCommitId(value: string | undefined, field = "commitId"): string {
  const id = required(value, "CommitIdRequiredException", field);
  if (!/^[0-9a-fA-F]{40}$/.test(id)) {
    throw codecommitError(
      "InvalidCommitIdException",
      `${field} ${JSON.stringify(id)} is not a full 40-character commit ID.`,
    );
  }
  return id.toLowerCase();
}

/** Checks a client request token (`InvalidClientRequestTokenException`): 1 to 64 printable characters. */
export function checkClientRequestToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length < 1 || value.length > 64 || /[^\x21-\x7e]/.test(value)) {
    throw codecommitError(
      "InvalidClientRequestTokenException",
      "clientRequestToken is not valid: use 1 to 64 printable characters without spaces.",
    );
  }
  return value;
}
