import type { Selectable } from "kysely";
import { z } from "zod";
import { readBlob, resolveCommit, treeEntry } from "../../../platform/git/index.js";
import type { Database } from "../../../platform/store/index.js";
import { type OperationContext } from "../../kit/index.js";
import { codecommitError, required } from "../errors.js";
import { type PullRequestRow } from "../pull-requests/rows.js";
import { type RepositoryRow } from "../repositories/rows.js";

export type CommentRow = Selectable<Database["codecommit_comments"]>;
const S = z.string().optional();

// "Comments are limited to 10,240 characters." (CommentContentSizeLimitExceededException)
const MAX_CONTENT = 10_240;

export interface Location {
  filePath: string;
  filePosition?: number;
  relativeFileVersion: "BEFORE" | "AFTER";
}

export const LocationInput = z.object({
  filePath: S,
  filePosition: z.number().optional(),
  relativeFileVersion: S,
});

export function checkContent(value: string | undefined): string {
  const content = required(value, "CommentContentRequiredException", "content");
  if (content.length > MAX_CONTENT) {
    throw codecommitError(
      "CommentContentSizeLimitExceededException",
      `content is ${content.length} characters long; comments are limited to ${MAX_CONTENT}.`,
    );
  }
  return content;
}

export function checkCommentId(value: string | undefined, field = "commentId"): string {
  const id = required(value, "CommentIdRequiredException", field);
  if (!/^[0-9a-f-]{36}$/.test(id)) {
    throw codecommitError(
      "InvalidCommentIdException",
      `${field} ${JSON.stringify(id)} is not a comment ID; comment IDs are what PostCommentForPullRequest returns.`,
    );
  }
  return id;
}

/** `Comment` as AWS returns it; a deleted comment keeps its place but not its content. */
export function commentShape(row: CommentRow) {
  return {
    commentId: row.comment_id,
    ...(row.deleted === 1 ? {} : { content: row.content }),
    ...(row.in_reply_to !== null ? { inReplyTo: row.in_reply_to } : {}),
    creationDate: new Date(Number(row.created_at)),
    lastModifiedDate: new Date(Number(row.last_modified_at)),
    authorArn: row.author_arn,
    deleted: row.deleted === 1,
    ...(row.client_request_token !== null ? { clientRequestToken: row.client_request_token } : {}),
    callerReactions: [] as string[],
    reactionCounts: {} as Record<string, number>,
  };
}

let seqCounter = 0;
/** Creation order of comments: milliseconds with a counter, so comments of one millisecond keep their order. */
export function nextSeq(now: number): number {
  seqCounter = (seqCounter + 1) % 1000;
  return now * 1000 + seqCounter;
}

export async function requireComment(
  ctx: OperationContext,
  value: string | undefined,
  field = "commentId",
): Promise<CommentRow> {
  const id = checkCommentId(value, field);
  const row = await ctx.trx
    .selectFrom("codecommit_comments")
    .selectAll()
    .where("comment_id", "=", id)
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .executeTakeFirst();
  if (!row) throw codecommitError("CommentDoesNotExistException", `Comment ${id} does not exist.`);
  return row;
}

/** Checks a comment location against the file it points into; returns it with the version's file. */
export async function checkLocation(
  gitDir: string,
  raw: z.output<typeof LocationInput>,
  before: string,
  after: string,
): Promise<Location> {
  const filePath = required(raw.filePath, "PathRequiredException", "location.filePath").replace(/^\/+/, "");
  if (filePath === "" || filePath.split("/").some((p) => p === "" || p === "." || p === "..")) {
    throw codecommitError(
      "InvalidPathException",
      `location.filePath ${JSON.stringify(raw.filePath)} is not a valid file path.`,
    );
  }
  const version = raw.relativeFileVersion ?? "AFTER";
  if (version !== "BEFORE" && version !== "AFTER") {
    throw codecommitError(
      "InvalidRelativeFileVersionEnumException",
      `location.relativeFileVersion ${JSON.stringify(version)} is not valid: use BEFORE or AFTER.`,
    );
  }
  const entry = await treeEntry(gitDir, version === "BEFORE" ? before : after, filePath);
  if (!entry || entry.mode === "040000") {
    throw codecommitError(
      "PathDoesNotExistException",
      `${filePath} does not exist in the ${version === "BEFORE" ? "before" : "after"} commit.`,
    );
  }
  if (raw.filePosition !== undefined) {
    const lines = (await readBlob(gitDir, entry.oid, 64 * 1024 * 1024)).toString("utf8").split("\n");
    const count = lines.length - (lines[lines.length - 1] === "" ? 1 : 0);
    if (
      !Number.isInteger(raw.filePosition) ||
      raw.filePosition < 1 ||
      raw.filePosition > Math.max(count, 1)
    ) {
      throw codecommitError(
        "InvalidFilePositionException",
        `location.filePosition ${raw.filePosition} is not a line of ${filePath} (1 to ${Math.max(count, 1)}).`,
      );
    }
  }
  return {
    filePath,
    ...(raw.filePosition !== undefined ? { filePosition: raw.filePosition } : {}),
    relativeFileVersion: version,
  };
}

export async function checkCommitExists(
  gitDir: string,
  repo: RepositoryRow,
  commitId: string,
): Promise<void> {
  if ((await resolveCommit(gitDir, commitId)) === undefined) {
    throw codecommitError(
      "CommitDoesNotExistException",
      `Commit ${commitId} does not exist in ${repo.name}.`,
    );
  }
}

export function requireSameRepository(pr: PullRequestRow, repo: RepositoryRow): void {
  if (pr.repository_id !== repo.repository_id) {
    throw codecommitError(
      "RepositoryNotAssociatedWithPullRequestException",
      `Pull request ${pr.pull_request_id} is not in ${repo.name}.`,
    );
  }
}

/** Looks up an earlier request with the same client request token: the same request, or a mismatch. */
export async function replayed(
  ctx: OperationContext,
  token: string | undefined,
  fingerprint: string,
): Promise<CommentRow | undefined> {
  if (token === undefined) return undefined;
  const row = await ctx.trx
    .selectFrom("codecommit_comments")
    .selectAll()
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .where("client_request_token", "=", token)
    .executeTakeFirst();
  if (row && (row.request_fingerprint !== fingerprint || row.author_arn !== ctx.principal.arn)) {
    throw codecommitError(
      "IdempotencyParameterMismatchException",
      `clientRequestToken ${token} was already used for another comment.`,
    );
  }
  return row;
}

export function commentContext(row: CommentRow, repoName: string) {
  const location = row.location !== null ? (JSON.parse(row.location) as Location) : undefined;
  return {
    repositoryName: repoName,
    pullRequestId: row.pull_request_id ?? undefined,
    beforeCommitId: row.before_commit_id,
    afterCommitId: row.after_commit_id,
    ...(row.before_blob_id !== null ? { beforeBlobId: row.before_blob_id } : {}),
    ...(row.after_blob_id !== null ? { afterBlobId: row.after_blob_id } : {}),
    ...(location !== undefined ? { location } : {}),
  };
}

export async function repositoryName(ctx: OperationContext, repositoryId: string): Promise<RepositoryRow> {
  return ctx.trx
    .selectFrom("codecommit_repositories")
    .selectAll()
    .where("repository_id", "=", repositoryId)
    .executeTakeFirstOrThrow();
}
