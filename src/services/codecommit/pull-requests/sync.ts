import type { Kysely } from "kysely";
import type { BusEvent } from "../../../platform/bus/index.js";
import { isAncestor, mergeBase } from "../../../platform/git/index.js";
import type { Pruner } from "../../../platform/retention/index.js";
import type { Database, Store } from "../../../platform/store/index.js";
import type { SubscriptionDeclaration } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { REPOSITORY_STATE_CHANGE } from "../ref-changes.js";
import { gitDirOfRow, lockRepository } from "../repositories/rows.js";
import { recordPullRequestEvent } from "./events.js";
import { mergeMetadataOf, newRevisionId, updatePullRequest, type PullRequestRow } from "./rows.js";

/** The subscriber's name; its progress is stored under it. */
export const PULL_REQUEST_SYNC = "codecommit.pull-requests";

/**
 * Keeps open pull requests in step with their branches, from the repository's own ref events (so
 * pushes over HTTP or SSH and API changes alike are seen, once each):
 *
 * - the source branch moved: a new revision (approvals belong to the old one), the new source and
 *   merge base, a PULL_REQUEST_SOURCE_REFERENCE_UPDATED event and `pullRequestSourceBranchUpdated`;
 * - the destination moved: the new destination commit and merge base;
 * - the source is now contained in the destination (merged outside the pull request, e.g. by a
 *   push): the pull request is closed as merged, as AWS does, with PULL_REQUEST_MERGE_STATE_CHANGED.
 *
 * Idempotent per event id, and it reads the branches' recorded positions rather than the event's,
 * so a replayed or out-of-order event changes nothing.
 */
export function pullRequestSyncSubscription(rt: CodeCommitRuntime): SubscriptionDeclaration {
  return {
    name: PULL_REQUEST_SYNC,
    handler: (event) => syncPullRequests(rt, event),
    options: {
      filter: (e) =>
        e.source === "aws.codecommit" &&
        e["detail-type"] === REPOSITORY_STATE_CHANGE &&
        e.detail.referenceType === "branch" &&
        typeof e.detail.repositoryId === "string",
    },
  };
}

/**
 * Deletes the markers of events handled before the retention period. A marker only guards against
 * the same event delivered twice, which happens within moments (a crash mid-delivery), never after
 * the subscriber's cursor has long passed it; and syncing is idempotent besides (see above).
 */
export function handledEventsPruner(store: Store): Pruner {
  return {
    name: "codecommit_pull_request_handled_events",
    async pruneBatch(before, limit) {
      const result = await store.db
        .deleteFrom("codecommit_pull_request_handled_events")
        .where("event_id", "in", (eb) =>
          eb
            .selectFrom("codecommit_pull_request_handled_events")
            .select("event_id")
            .where("handled_at", "<", before)
            .orderBy("handled_at")
            .limit(limit),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

async function syncPullRequests(rt: CodeCommitRuntime, event: BusEvent): Promise<void> {
  const repositoryId = event.detail.repositoryId as string;
  const ref = event.detail.referenceFullName as string;
  const actor = typeof event.detail.callerUserArn === "string" ? event.detail.callerUserArn : undefined;
  await rt.store.transaction(async (trx) => {
    const first = await trx
      .insertInto("codecommit_pull_request_handled_events")
      .values({ event_id: event.id, handled_at: rt.clock.now() })
      .onConflict((oc) => oc.column("event_id").doNothing())
      .returning("event_id")
      .executeTakeFirst();
    if (!first) return;
    const repo = await lockRepository(trx, rt, repositoryId);
    if (!repo) return;
    const prs = await trx
      .selectFrom("codecommit_pull_requests")
      .selectAll()
      .where("repository_id", "=", repositoryId)
      .where("status", "=", "OPEN")
      .where((eb) => eb.or([eb("source_ref", "=", ref), eb("destination_ref", "=", ref)]))
      .orderBy("number")
      .execute();
    if (prs.length === 0) return;
    const tips = new Map(
      (
        await trx
          .selectFrom("codecommit_refs")
          .select(["ref_name", "commit_id"])
          .where("repository_id", "=", repositoryId)
          .execute()
      ).map((r) => [r.ref_name, r.commit_id]),
    );
    for (const pr of prs) await syncOne(rt, trx, repo, pr, tips, actor);
  });
}

async function syncOne(
  rt: CodeCommitRuntime,
  trx: Kysely<Database>,
  repo: NonNullable<Awaited<ReturnType<typeof lockRepository>>>,
  pr: PullRequestRow,
  tips: ReadonlyMap<string, string>,
  actor: string | undefined,
): Promise<void> {
  const source = tips.get(pr.source_ref);
  const destination = tips.get(pr.destination_ref);
  // A deleted branch leaves the pull request as it was (it can no longer be merged).
  if (source === undefined || destination === undefined) return;
  if (source === pr.source_commit && destination === pr.destination_commit) return;
  const gitDir = gitDirOfRow(rt, repo);
  const base = (await mergeBase(gitDir, source, destination)) ?? null;
  const now = rt.clock.now();

  if (source !== pr.source_commit) {
    const current = await updatePullRequest(trx, pr, {
      source_commit: source,
      destination_commit: destination,
      merge_base: base,
      revision_id: newRevisionId(),
      last_activity_at: now,
    });
    // beforeCommitId: "the commit in the destination branch that was the tip of the branch at the
    // time the pull request was updated"; afterCommitId: the source branch's new tip.
    await recordPullRequestEvent(rt, trx, repo, current, {
      type: "PULL_REQUEST_SOURCE_REFERENCE_UPDATED",
      busEvent: "pullRequestSourceBranchUpdated",
      actorArn: actor,
      metadata: {
        repositoryName: repo.name,
        beforeCommitId: destination,
        afterCommitId: source,
        ...(base !== null ? { mergeBase: base } : {}),
      },
      summary: "Updated the source branch",
    });
  } else {
    await updatePullRequest(trx, pr, { destination_commit: destination, merge_base: base });
  }

  // Merged outside the pull request: everything on the source branch is now in the destination.
  if (await isAncestor(gitDir, source, destination)) {
    const merged = await updatePullRequest(trx, pr, {
      status: "CLOSED",
      is_merged: 1,
      merged_by: actor ?? null,
      merge_commit_id: destination,
      merge_option: null,
      last_activity_at: now,
    });
    await recordPullRequestEvent(rt, trx, repo, merged, {
      type: "PULL_REQUEST_MERGE_STATE_CHANGED",
      busEvent: "pullRequestMergeStatusUpdated",
      actorArn: actor,
      metadata: {
        repositoryName: repo.name,
        destinationReference: merged.destination_ref,
        mergeMetadata: mergeMetadataOf(merged),
      },
      summary: "Merged",
    });
  }
}
