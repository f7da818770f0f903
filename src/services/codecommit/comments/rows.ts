import type { Selectable } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { type OperationContext } from "../../kit/index.js";
import { codecommitError } from "../errors.js";
import { type RepositoryRow } from "../repositories/rows.js";
import { checkCommentId } from "./checks.js";

export type CommentRow = Selectable<Database["codecommit_comments"]>;

export interface Location {
  filePath: string;
  filePosition?: number;
  relativeFileVersion: "BEFORE" | "AFTER";
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
