import { z } from "zod";
import { operation } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { checkMaxResults, keysetPage, resumeAfter } from "../pagination.js";
import { actorOf } from "../ref-changes.js";
import { repositoryArn, requireRepository } from "../repositories/rows.js";
import { checkDescription, checkTitle, checkUserArn, requireOpen } from "./checks.js";
import { PULL_REQUEST_EVENT_TYPES, recordPullRequestEvent } from "./events.js";
import { pullRequestShape, repositoryOfPullRequest, requirePullRequest, updatePullRequest } from "./rows.js";

const S = z.string().optional();

const PR_STATUSES = new Set(["OPEN", "CLOSED"]);

// The operations on pull requests themselves.
const byId = z.object({ pullRequestId: S });

export function getPullRequest(_rt: CodeCommitRuntime) {
  return operation({
    name: "GetPullRequest",
    input: byId,
    handler: async (input, ctx) => ({
      pullRequest: await pullRequestShape(ctx.trx, await requirePullRequest(ctx, input.pullRequestId)),
    }),
  });
}

export function listPullRequests(_rt: CodeCommitRuntime) {
  return operation({
    name: "ListPullRequests",
    input: z.object({
      repositoryName: S,
      authorArn: S,
      pullRequestStatus: S,
      nextToken: S,
      maxResults: z.number().optional(),
    }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const status = input.pullRequestStatus;
      if (status !== undefined && !PR_STATUSES.has(status)) {
        throw codecommitError(
          "InvalidPullRequestStatusException",
          `pullRequestStatus ${JSON.stringify(status)} is not valid: use OPEN or CLOSED.`,
        );
      }
      const author = await checkUserArn(
        ctx,
        input.authorArn,
        "InvalidAuthorArnException",
        "AuthorDoesNotExistException",
        "authorArn",
      );
      const max = checkMaxResults(input.maxResults, 1000, 100);
      const repo = await requireRepository(ctx, input.repositoryName);
      const listing = `prs:${repo.repository_id}:${status ?? ""}:${author ?? ""}`;
      const after = resumeAfter(listing, input.nextToken, { i: "number" });
      // Newest first; each filter combination has an index ending in the number.
      let query = ctx.trx
        .selectFrom("codecommit_pull_requests")
        .select(["pull_request_id", "number"])
        .where("repository_id", "=", repo.repository_id)
        .orderBy("number", "desc")
        .limit(max + 1);
      if (status !== undefined) query = query.where("status", "=", status);
      if (author !== undefined) query = query.where("author_arn", "=", author);
      if (after !== undefined) query = query.where("number", "<", after.i);
      const rows = await query.execute();
      const { items, nextToken } = keysetPage(listing, rows, max, (r) => ({ i: Number(r.number) }));
      return {
        pullRequestIds: items.map((r) => r.pull_request_id),
        ...(nextToken !== undefined ? { nextToken } : {}),
      };
    },
  });
}

export function updatePullRequestStatus(rt: CodeCommitRuntime) {
  return operation({
    name: "UpdatePullRequestStatus",
    input: z.object({ pullRequestId: S, pullRequestStatus: S }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId, { lock: true, rt });
      const status = required(
        input.pullRequestStatus,
        "PullRequestStatusRequiredException",
        "pullRequestStatus",
      );
      if (!PR_STATUSES.has(status)) {
        throw codecommitError(
          "InvalidPullRequestStatusException",
          `pullRequestStatus ${JSON.stringify(status)} is not valid: use OPEN or CLOSED.`,
        );
      }
      // "The only valid update is from OPEN to CLOSED." (InvalidPullRequestStatusUpdateException)
      if (pr.status !== "OPEN" || status !== "CLOSED") {
        throw codecommitError(
          "InvalidPullRequestStatusUpdateException",
          `Pull request ${pr.pull_request_id} is ${pr.status}; the only valid status update is from OPEN to CLOSED.`,
        );
      }
      const repo = await repositoryOfPullRequest(rt, ctx.trx, pr);
      const updated = await updatePullRequest(ctx.trx, pr, {
        status: "CLOSED",
        last_activity_at: rt.clock.now(),
      });
      await recordPullRequestEvent(rt, ctx.trx, repo, updated, {
        type: "PULL_REQUEST_STATUS_CHANGED",
        busEvent: "pullRequestStatusChanged",
        actorArn: actorOf(ctx).callerUserArn,
        metadata: { pullRequestStatus: "CLOSED" },
        summary: "Updated the pull request status to CLOSED",
      });
      return { pullRequest: await pullRequestShape(ctx.trx, updated) };
    },
  });
}

export function updatePullRequestTitle(rt: CodeCommitRuntime) {
  return operation({
    name: "UpdatePullRequestTitle",
    input: z.object({ pullRequestId: S, title: S }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId);
      const title = checkTitle(input.title);
      requireOpen(pr);
      const updated = await updatePullRequest(ctx.trx, pr, { title, last_activity_at: rt.clock.now() });
      return { pullRequest: await pullRequestShape(ctx.trx, updated) };
    },
  });
}

export function updatePullRequestDescription(rt: CodeCommitRuntime) {
  return operation({
    name: "UpdatePullRequestDescription",
    input: z.object({ pullRequestId: S, description: S }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId);
      const description = checkDescription(
        required(input.description, "InvalidDescriptionException", "description"),
      );
      requireOpen(pr);
      const updated = await updatePullRequest(ctx.trx, pr, { description, last_activity_at: rt.clock.now() });
      return { pullRequest: await pullRequestShape(ctx.trx, updated) };
    },
  });
}

export function describePullRequestEvents(_rt: CodeCommitRuntime) {
  return operation({
    name: "DescribePullRequestEvents",
    input: z.object({
      pullRequestId: S,
      pullRequestEventType: S,
      actorArn: S,
      nextToken: S,
      maxResults: z.number().optional(),
    }),
    handler: async (input, ctx) => {
      const pr = await requirePullRequest(ctx, input.pullRequestId);
      const type = input.pullRequestEventType;
      if (type !== undefined && !(type in PULL_REQUEST_EVENT_TYPES)) {
        throw codecommitError(
          "InvalidPullRequestEventTypeException",
          `pullRequestEventType ${JSON.stringify(type)} is not valid: use one of ${Object.keys(PULL_REQUEST_EVENT_TYPES).join(", ")}.`,
        );
      }
      const actor = await checkUserArn(
        ctx,
        input.actorArn,
        "InvalidActorArnException",
        "ActorDoesNotExistException",
        "actorArn",
      );
      // "The default is 100 events, which is also the maximum number of events that can be returned."
      const max = checkMaxResults(input.maxResults, 100, 100);
      const listing = `pr-events:${pr.pull_request_id}:${type ?? ""}:${actor ?? ""}`;
      const after = resumeAfter(listing, input.nextToken, { s: "number" });
      // In the order they happened; each filter combination has an index ending in `seq`.
      let query = ctx.trx
        .selectFrom("codecommit_pull_request_events")
        .selectAll()
        .where("account_id", "=", pr.account_id)
        .where("region", "=", pr.region)
        .where("pull_request_id", "=", pr.pull_request_id)
        .orderBy("seq")
        .limit(max + 1);
      if (type !== undefined) query = query.where("event_type", "=", type);
      if (actor !== undefined) query = query.where("actor_arn", "=", actor);
      if (after !== undefined) query = query.where("seq", ">", after.s);
      const rows = await query.execute();
      const { items, nextToken } = keysetPage(listing, rows, max, (r) => ({ s: Number(r.seq) }));
      return {
        pullRequestEvents: items.map((row) => ({
          pullRequestId: row.pull_request_id,
          eventDate: new Date(Number(row.event_date)),
          pullRequestEventType: row.event_type,
          ...(row.actor_arn !== null ? { actorArn: row.actor_arn } : {}),
          ...(JSON.parse(row.metadata) as Record<string, unknown>),
        })),
        ...(nextToken !== undefined ? { nextToken } : {}),
      };
    },
  });
}
