import type { OperationContext } from "../kit/index.js";
import { findBuild, loadBuild, type BuildDoc, type BuildRow } from "./build-rows.js";
import { BUILD_JOB_KIND, QUEUED_TIMEOUT_JOB_KIND, type CodeBuildRuntime } from "./deps.js";
import { emitPhaseChanges, emitStateChange } from "./events.js";

/** How long an idempotency token names the build it started, as AWS documents: 5 minutes. */
const IDEMPOTENCY_MS = 5 * 60_000;

/** The build `token` started in the last five minutes in the caller's scope, if any. */
export async function recentBuild(
  ctx: OperationContext,
  token: string,
  now: number,
): Promise<BuildRow | undefined> {
  const earlier = await ctx.trx
    .selectFrom("codebuild_builds")
    .select("id")
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .where("idempotency_token", "=", token)
    .where("start_time", ">", now - IDEMPOTENCY_MS)
    .executeTakeFirst();
  return earlier ? findBuild(ctx.trx, ctx, earlier.id) : undefined;
}

/** A composed build, ready to be recorded. */
export interface NewBuild {
  /** `<project>:<uuid>`. */
  id: string;
  projectName: string;
  buildNumber: number;
  idempotencyToken?: string | undefined;
  doc: BuildDoc;
  now: number;
}

/**
 * Records a build (IN_PROGRESS, QUEUED), enqueues its job and its queued-timeout timer, and emits
 * its first state and phase changes — all in the caller's transaction.
 */
export async function queueBuild(
  rt: CodeBuildRuntime,
  ctx: OperationContext,
  build: NewBuild,
): Promise<BuildRow> {
  const { id, doc, now } = build;
  await ctx.trx
    .insertInto("codebuild_builds")
    .values({
      id,
      account_id: ctx.accountId,
      region: ctx.region,
      project_name: build.projectName,
      build_number: build.buildNumber,
      status: "IN_PROGRESS",
      current_phase: "QUEUED",
      state: "queued",
      stop_requested: 0,
      idempotency_token: build.idempotencyToken ?? null,
      doc: "{}",
      start_time: now,
      end_time: null,
    })
    .execute();
  const job = await rt.queue.enqueue(ctx.trx, {
    kind: BUILD_JOB_KIND,
    payload: { buildId: id },
    key: `${BUILD_JOB_KIND}:${id}`,
    // A second attempt exists only to notice that the first one's process died (then it ends FAULT).
    maxAttempts: 3,
  });
  const timer = await rt.queue.enqueue(ctx.trx, {
    kind: QUEUED_TIMEOUT_JOB_KIND,
    payload: { buildId: id },
    key: `${QUEUED_TIMEOUT_JOB_KIND}:${id}`,
    runAt: now + doc.queuedTimeoutInMinutes * rt.minuteMs,
  });
  doc.jobId = job.id;
  doc.timerJobId = timer.id;
  await ctx.trx
    .updateTable("codebuild_builds")
    .set({ doc: JSON.stringify(doc) })
    .where("id", "=", id)
    .execute();
  const row = (await loadBuild(ctx.trx, id))!;
  await emitStateChange(rt, ctx.trx, row);
  await emitPhaseChanges(rt, ctx.trx, row, doc.phases.slice(0, 1));
  return row;
}
