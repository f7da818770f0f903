import type { OperationContext } from "../../kit/index.js";
import { branchNameProblem } from "../checks.js";
import { codecommitError, required } from "../errors.js";
import type { PullRequestRow } from "./rows.js";

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

/** Checks a pull request id (`PullRequestIdRequiredException` / `InvalidPullRequestIdException`). */
export function checkPullRequestId(value: string | undefined): string {
  const id = required(value, "PullRequestIdRequiredException", "pullRequestId");
  if (!/^[1-9]\d{0,18}$/.test(id)) {
    throw codecommitError(
      "InvalidPullRequestIdException",
      `pullRequestId ${JSON.stringify(id)} is not valid: pull request IDs are positive whole numbers, e.g. "42".`,
    );
  }
  return id;
}

/** Checks a revision id against the pull request's current one (`RevisionNotCurrentException`). */
export function checkRevision(pr: PullRequestRow, value: string | undefined, mustBeCurrent = true): string {
  const revisionId = required(value, "RevisionIdRequiredException", "revisionId");
  if (!/^[0-9a-f]{64}$/.test(revisionId)) {
    throw codecommitError(
      "InvalidRevisionIdException",
      `revisionId ${JSON.stringify(revisionId)} is not valid: it is the 64-character revisionId GetPullRequest returns.`,
    );
  }
  if (mustBeCurrent && revisionId !== pr.revision_id) {
    throw codecommitError(
      "RevisionNotCurrentException",
      `revisionId ${revisionId} is not the current revision of pull request ${pr.pull_request_id}; GetPullRequest returns the current one.`,
    );
  }
  return revisionId;
}

/** `PullRequestAlreadyClosedException` unless the pull request is open. */
export function requireOpen(pr: PullRequestRow): void {
  if (pr.status !== "OPEN") {
    throw codecommitError(
      "PullRequestAlreadyClosedException",
      `Pull request ${pr.pull_request_id} is already closed.`,
    );
  }
}

/** Checks an ARN filter (`InvalidAuthorArnException`-style codes) and that a user has it. */
export async function checkUserArn(
  ctx: OperationContext,
  value: string | undefined,
  invalid: string,
  missing: string,
  field: string,
) {
  if (value === undefined) return undefined;
  if (!/^arn:aws[\w-]*:(iam|sts)::\d{12}:\S+$/.test(value)) {
    throw codecommitError(
      invalid,
      `${field} ${JSON.stringify(value)} is not an IAM ARN such as arn:aws:iam::111122223333:user/Name.`,
    );
  }
  // Found by its key (account, name: the ARN's last segment, `root` for the root user), then
  // compared whole, so a path that differs is no match; arn itself has no index.
  const [, account = "", resource = ""] = /^arn:[^:]+:[^:]+::(\d{12}):(.*)$/.exec(value) ?? [];
  const user = await ctx.trx
    .selectFrom("iam_users")
    .select("arn")
    .where("account_id", "=", account)
    .where("user_name", "=", resource.slice(resource.lastIndexOf("/") + 1))
    .executeTakeFirst();
  if (user?.arn !== value) throw codecommitError(missing, `${field} ${value} names no user of this server.`);
  return value;
}
