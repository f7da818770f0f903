import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import { treeEntry } from "../../../platform/git/index.js";
import { operation, type OperationContext } from "../../kit/index.js";
import { checkClientRequestToken, checkCommitId } from "../checks.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { sha256Hex } from "../idempotency.js";
import { checkMaxResults, keysetPage, resumeAfter } from "../pagination.js";
import { requirePullRequest, updatePullRequest } from "../pull-requests/rows.js";
import { gitDirOfRow, requireRepository } from "../repositories/rows.js";
import {
  checkCommitExists,
  checkContent,
  checkLocation,
  LocationInput,
  requireSameRepository,
} from "./checks.js";
import { emitCommentEvent } from "./events.js";
import { commentContext, commentShape, nextSeq, replayed, repositoryName, requireComment } from "./rows.js";

const S = z.string().optional();

// Comments on pull requests and replies to them.

export function postCommentForPullRequest(rt: CodeCommitRuntime) {
  return operation({
    name: "PostCommentForPullRequest",
    input: z.object({
      pullRequestId: S,
      repositoryName: S,
      beforeCommitId: S,
      afterCommitId: S,
      location: LocationInput.optional(),
      content: S,
      clientRequestToken: S,
    }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId);
      const repo = await requireRepository(ctx, input.repositoryName);
      requireSameRepository(pr, repo);
      const content = checkContent(input.content);
      const token = checkClientRequestToken(input.clientRequestToken);
      const before = checkCommitId(input.beforeCommitId, "beforeCommitId");
      const after = checkCommitId(input.afterCommitId, "afterCommitId");
      if (before === after) {
        throw codecommitError(
          "BeforeCommitIdAndAfterCommitIdAreSameException",
          `beforeCommitId and afterCommitId are both ${before}; they must differ.`,
        );
      }
      const fingerprint = sha256Hex(
        JSON.stringify([pr.pull_request_id, before, after, input.location ?? null, content]),
      );
      const earlier = await replayed(ctx, token, fingerprint);
      if (earlier) return { ...commentContext(earlier, repo.name), comment: commentShape(earlier) };
      const gitDir = gitDirOfRow(rt, repo);
      await checkCommitExists(gitDir, repo, before);
      await checkCommitExists(gitDir, repo, after);
      const location = input.location
        ? await checkLocation(gitDir, input.location, before, after)
        : undefined;
      const beforeBlob = location ? await treeEntry(gitDir, before, location.filePath) : undefined;
      const afterBlob = location ? await treeEntry(gitDir, after, location.filePath) : undefined;
      const now = rt.clock.now();
      const row = await ctx.trx
        .insertInto("codecommit_comments")
        .values({
          comment_id: newUuid(),
          seq: nextSeq(now),
          account_id: ctx.accountId,
          region: ctx.region,
          repository_id: repo.repository_id,
          pull_request_id: pr.pull_request_id,
          before_commit_id: before,
          after_commit_id: after,
          before_blob_id: beforeBlob?.oid ?? null,
          after_blob_id: afterBlob?.oid ?? null,
          location: location ? JSON.stringify(location) : null,
          in_reply_to: null,
          content,
          ...newCommentFields(ctx, token, fingerprint, now),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await updatePullRequest(ctx.trx, pr, { last_activity_at: now });
      await emitCommentEvent(rt, ctx.trx, repo, {
        event: "commentOnPullRequestCreated",
        commentId: row.comment_id,
        pullRequestId: pr.pull_request_id,
        beforeCommitId: before,
        afterCommitId: after,
        callerUserArn: ctx.principal.arn,
      });
      return { ...commentContext(row, repo.name), comment: commentShape(row) };
    },
  });
}

export function postCommentReply(rt: CodeCommitRuntime) {
  return operation({
    name: "PostCommentReply",
    input: z.object({ inReplyTo: S, clientRequestToken: S, content: S }),
    handler: async (input, ctx) => {
      const parent = await requireComment(ctx, input.inReplyTo, "inReplyTo");
      const content = checkContent(input.content);
      const token = checkClientRequestToken(input.clientRequestToken);
      const fingerprint = sha256Hex(JSON.stringify([parent.comment_id, content]));
      const earlier = await replayed(ctx, token, fingerprint);
      if (earlier) return { comment: commentShape(earlier) };
      const now = rt.clock.now();
      const row = await ctx.trx
        .insertInto("codecommit_comments")
        .values({
          ...parent,
          comment_id: newUuid(),
          seq: nextSeq(now),
          in_reply_to: parent.comment_id,
          content,
          ...newCommentFields(ctx, token, fingerprint, now),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (parent.pull_request_id !== null) {
        const repo = await repositoryName(ctx, parent.repository_id);
        await emitCommentEvent(rt, ctx.trx, repo, {
          event: "commentOnPullRequestCreated",
          commentId: row.comment_id,
          pullRequestId: parent.pull_request_id,
          beforeCommitId: row.before_commit_id,
          afterCommitId: row.after_commit_id,
          callerUserArn: ctx.principal.arn,
          inReplyTo: parent.comment_id,
        });
      }
      return { comment: commentShape(row) };
    },
  });
}

export function getComment(_rt: CodeCommitRuntime) {
  return operation({
    name: "GetComment",
    input: z.object({ commentId: S }),
    handler: async (input, ctx) => {
      const row = await requireComment(ctx, input.commentId);
      if (row.deleted === 1)
        throw codecommitError("CommentDeletedException", `Comment ${row.comment_id} was deleted.`);
      return { comment: commentShape(row) };
    },
  });
}

export function updateComment(rt: CodeCommitRuntime) {
  return operation({
    name: "UpdateComment",
    input: z.object({ commentId: S, content: S }),
    handler: async (input, ctx) => {
      const row = await requireComment(ctx, input.commentId);
      const content = checkContent(input.content);
      if (row.deleted === 1)
        throw codecommitError(
          "CommentDeletedException",
          `Comment ${row.comment_id} was deleted and cannot be changed.`,
        );
      // "Only comment authors can modify or delete their comments." (CommentNotCreatedByCallerException)
      if (row.author_arn !== ctx.principal.arn) {
        throw codecommitError(
          "CommentNotCreatedByCallerException",
          `Comment ${row.comment_id} was written by ${row.author_arn}; only its author can change it.`,
        );
      }
      const updated = await ctx.trx
        .updateTable("codecommit_comments")
        .set({ content, last_modified_at: rt.clock.now() })
        .where("comment_id", "=", row.comment_id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (row.pull_request_id !== null) {
        const repo = await repositoryName(ctx, row.repository_id);
        await emitCommentEvent(rt, ctx.trx, repo, {
          event: "commentOnPullRequestUpdated",
          commentId: row.comment_id,
          pullRequestId: row.pull_request_id,
          beforeCommitId: row.before_commit_id,
          afterCommitId: row.after_commit_id,
          callerUserArn: ctx.principal.arn,
        });
      }
      return { comment: commentShape(updated) };
    },
  });
}

export function deleteCommentContent(rt: CodeCommitRuntime) {
  return operation({
    name: "DeleteCommentContent",
    input: z.object({ commentId: S }),
    handler: async (input, ctx) => {
      const row = await requireComment(ctx, input.commentId);
      if (row.deleted === 1)
        throw codecommitError("CommentDeletedException", `Comment ${row.comment_id} was already deleted.`);
      const updated = await ctx.trx
        .updateTable("codecommit_comments")
        .set({ content: "", deleted: 1, last_modified_at: rt.clock.now() })
        .where("comment_id", "=", row.comment_id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { comment: commentShape(updated) };
    },
  });
}

export function getCommentsForPullRequest(rt: CodeCommitRuntime) {
  return operation({
    name: "GetCommentsForPullRequest",
    input: z.object({
      pullRequestId: S,
      repositoryName: S,
      beforeCommitId: S,
      afterCommitId: S,
      nextToken: S,
      maxResults: z.number().optional(),
    }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId);
      // "repositoryName must be specified when beforeCommitId and afterCommitId are included", and the other way round.
      let commits: { before: string; after: string } | undefined;
      if (
        input.repositoryName !== undefined ||
        input.beforeCommitId !== undefined ||
        input.afterCommitId !== undefined
      ) {
        const repo = await requireRepository(ctx, input.repositoryName);
        requireSameRepository(pr, repo);
        commits = {
          before: checkCommitId(input.beforeCommitId, "beforeCommitId"),
          after: checkCommitId(input.afterCommitId, "afterCommitId"),
        };
        const gitDir = gitDirOfRow(rt, repo);
        await checkCommitExists(gitDir, repo, commits.before);
        await checkCommitExists(gitDir, repo, commits.after);
      }
      // "The default is 100 comments. You can return up to 500 comments with a single request."
      const max = checkMaxResults(input.maxResults, 500, 100);
      const listing = `pr-comments:${pr.pull_request_id}:${commits?.before ?? ""}:${commits?.after ?? ""}`;
      const after = resumeAfter(listing, input.nextToken, { s: "number", c: "string" });
      // In the order they were posted: `seq`, then the id for two comments stamped alike.
      let query = ctx.trx
        .selectFrom("codecommit_comments")
        .selectAll()
        .where("account_id", "=", pr.account_id)
        .where("region", "=", pr.region)
        .where("pull_request_id", "=", pr.pull_request_id)
        .orderBy("seq")
        .orderBy("comment_id")
        .limit(max + 1);
      if (commits)
        query = query
          .where("before_commit_id", "=", commits.before)
          .where("after_commit_id", "=", commits.after);
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([eb("seq", ">", after.s), eb.and([eb("seq", "=", after.s), eb("comment_id", ">", after.c)])]),
        );
      }
      const rows = await query.execute();
      const repo = await repositoryName(ctx, pr.repository_id);
      const { items, nextToken } = keysetPage(listing, rows, max, (r) => ({
        s: Number(r.seq),
        c: r.comment_id,
      }));
      // Grouped as AWS groups them: one entry per commit pair and location, replies with their thread.
      const groups = new Map<
        string,
        { context: ReturnType<typeof commentContext>; comments: ReturnType<typeof commentShape>[] }
      >();
      for (const row of items) {
        const key = JSON.stringify([row.before_commit_id, row.after_commit_id, row.location]);
        const group = groups.get(key) ?? { context: commentContext(row, repo.name), comments: [] };
        group.comments.push(commentShape(row));
        groups.set(key, group);
      }
      return {
        commentsForPullRequestData: [...groups.values()].map((g) => ({
          ...g.context,
          comments: g.comments,
        })),
        ...(nextToken !== undefined ? { nextToken } : {}),
      };
    },
  });
}

/** The columns every new comment starts with: live, by the caller, with its request token. */
function newCommentFields(
  ctx: OperationContext,
  token: string | undefined,
  fingerprint: string,
  now: number,
) {
  return {
    deleted: 0,
    author_arn: ctx.principal.arn,
    client_request_token: token ?? null,
    request_fingerprint: token !== undefined ? fingerprint : null,
    created_at: now,
    last_modified_at: now,
  };
}
