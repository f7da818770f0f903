import { branchNameProblem } from "../checks.js";
import { codecommitError, required } from "../errors.js";

// Quotas ("Quotas in AWS CodeCommit"): titles up to 150 characters, descriptions up to 10,240.
const MAX_TITLE = 150;
const MAX_DESCRIPTION = 10_240;

/** Checks a title (`TitleRequiredException` / `InvalidTitleException`). */
export function checkTitle(value: string | undefined): string {
  const title = required(value, "TitleRequiredException", "title");
  if (title.length > MAX_TITLE) {
    throw codecommitError(
      "InvalidTitleException",
      `title is ${title.length} characters long; at most ${MAX_TITLE} are allowed.`,
    );
  }
  return title;
}

export function checkDescription(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value.length > MAX_DESCRIPTION) {
    throw codecommitError(
      "InvalidDescriptionException",
      `description is ${value.length} characters long; at most ${MAX_DESCRIPTION} are allowed.`,
    );
  }
  return value;
}

/**
 * A branch a pull request target names, as a full ref: `main` or `refs/heads/main`. Only branches
 * are supported (`ReferenceTypeNotSupportedException` for tags and other refs).
 */
export function checkReference(value: string | undefined, field: string): string {
  const ref = required(value, "ReferenceNameRequiredException", field);
  if (ref.startsWith("refs/") && !ref.startsWith("refs/heads/")) {
    throw codecommitError(
      "ReferenceTypeNotSupportedException",
      `${field} ${JSON.stringify(ref)} is not a branch: pull requests are between branches (refs/heads/…).`,
    );
  }
  const branch = ref.replace(/^refs\/heads\//, "");
  const problem = branchNameProblem(branch);
  if (problem) {
    throw codecommitError(
      "InvalidReferenceNameException",
      `${field} ${JSON.stringify(ref)} is not a valid branch name: it ${problem}.`,
    );
  }
  return `refs/heads/${branch}`;
}
