import { isLeaseOwnerGone, type Executor } from "../../platform/queue/index.js";
import {
  BUILD_PHASES,
  type BuildOutcome,
  type BuildPhase,
  type BuildStatus,
  type PhaseContext,
  type PhaseStatus,
} from "../../runner/api.js";
import {
  docOf,
  endPhase,
  loadBuild,
  mergePhases,
  writeBuild,
  type BuildDoc,
  type BuildRow,
} from "./build-rows.js";
import type { CodeBuildRuntime } from "./deps.js";
import { emitPhaseChanges, emitStateChange, newlyEnded } from "./events.js";

/** Why the control plane (not the runner) ended a build. */
export type EndReason =
  | { kind: "engine-crashed"; message: string }
  | { kind: "engine-silent" }
  | { kind: "server-stopped" }
  | { kind: "job-lost" }
  | { kind: "queued-timeout"; minutes: number }
  | { kind: "stopped" };

/** The build status, the status of the phase it ended in, and that phase's context, per reason. */
export function describeEnd(reason: EndReason): {
  status: BuildStatus;
  phaseStatus: PhaseStatus;
  context: PhaseContext;
} {
  switch (reason.kind) {
    case "engine-crashed":
      return fault(`the build engine crashed: ${reason.message}`);
    case "engine-silent":
      return fault("the build engine ended without reporting how the build ended");
    case "server-stopped":
      return fault("the server stopped while the build ran; start the build again");
    case "job-lost":
      return fault("the build's queue job was lost before a runner took it");
    case "queued-timeout":
      return {
        status: "TIMED_OUT",
        phaseStatus: "TIMED_OUT",
        context: {
          statusCode: "BUILD_TIMED_OUT",
          message: `Build was queued for more than ${reason.minutes} minutes (queuedTimeoutInMinutes) without a runner free to take it`,
        },
      };
    case "stopped":
      return {
        status: "STOPPED",
        phaseStatus: "STOPPED",
        context: { statusCode: "BUILD_STOPPED", message: "Build was stopped by StopBuild" },
      };
  }
}

function fault(message: string) {
  return {
    status: "FAULT" as const,
    phaseStatus: "FAULT" as const,
    context: { statusCode: "SERVER_ERROR", message },
  };
}

/** Adds AWS's closing COMPLETED phase (a start time and nothing else) unless it is there. */
function withCompleted(phases: BuildPhase[], at: number): BuildPhase[] {
  if (phases.some((p) => p.phaseType === "COMPLETED")) return phases;
  return [...phases, { phaseType: "COMPLETED", startTime: at, contexts: [] }];
}

/**
 * Ends every open phase: the last with `status` and `context`, any other (left open by a runner) as
 * SUCCEEDED. With no phase open (the runner never started one), the reason goes on a phase of its
 * own: the one that would have come next, so the phase list shows where the build stopped.
 */
function closePhases(
  phases: BuildPhase[],
  status: PhaseStatus,
  at: number,
  context?: PhaseContext,
): BuildPhase[] {
  const isOpen = (p: BuildPhase) => p.endTime === undefined && p.phaseType !== "COMPLETED";
  const lastOpen = phases.findLastIndex(isOpen);
  if (lastOpen < 0) {
    if (!context) return phases;
    const last = phases[phases.length - 1];
    const nextIndex = last ? BUILD_PHASES.indexOf(last.phaseType) + 1 : 0;
    const next = BUILD_PHASES[Math.min(nextIndex, BUILD_PHASES.indexOf("FINALIZING"))]!;
    return [
      ...phases,
      endPhase({ phaseType: next, startTime: at, contexts: [] }, status, at, context ? [context] : []),
    ];
  }
  return phases.map((p, i) => {
    if (!isOpen(p)) return p;
    if (i !== lastOpen) return endPhase(p, "SUCCEEDED", at);
    return endPhase(p, status, at, context ? [...p.contexts, context] : p.contexts);
  });
}

/**
 * Writes a build's new doc and status and records the events: a phase change for every phase that
 * ended, and a state change when the build ended. Runs in `trx`.
 */
async function commitChange(
  rt: CodeBuildRuntime,
  trx: Executor,
  row: BuildRow,
  doc: BuildDoc,
  change: { status?: BuildStatus; done?: boolean; running?: boolean },
): Promise<BuildRow> {
  const before = docOf(row).phases;
  const at = rt.clock.now();
  await writeBuild(trx, row.id, {
    doc,
    ...(change.status ? { status: change.status } : {}),
    ...(change.done ? { state: "done", endTime: at } : change.running ? { state: "running" } : {}),
  });
  const after = (await loadBuild(trx, row.id))!;
  await emitPhaseChanges(rt, trx, after, newlyEnded(before, doc.phases));
  if (change.done) {
    await emitStateChange(rt, trx, after);
    await rt.queue.cancel(trx, { id: doc.jobId });
    if (doc.timerJobId !== undefined) await rt.queue.cancel(trx, { id: doc.timerJobId });
  }
  return after;
}

/** Ends a build for `reason`, unless it already ended. Runs in the caller's transaction. */
export async function endBuild(
  rt: CodeBuildRuntime,
  trx: Executor,
  id: string,
  reason: EndReason,
): Promise<void> {
  const row = await loadBuild(trx, id);
  if (!row || row.state === "done") return;
  const end = describeEnd(row.stop_requested ? { kind: "stopped" } : reason);
  const at = rt.clock.now();
  const doc = docOf(row);
  doc.phases = withCompleted(closePhases(doc.phases, end.phaseStatus, at, end.context), at);
  await commitChange(rt, trx, row, doc, { status: end.status, done: true });
}

/**
 * A runner took the build: QUEUED ends and the queued-timeout timer is cancelled. Returns the row,
 * or undefined when the build must not run: it already ended, or it was running when this process's
 * predecessor died (then it ends FAULT, since half-run commands cannot be resumed safely).
 */
export async function markRunning(rt: CodeBuildRuntime, id: string): Promise<BuildRow | undefined> {
  const result = await rt.store.transaction(async (trx) => {
    const row = await loadBuild(trx, id);
    if (!row || row.state === "done") return undefined;
    if (row.state === "running") {
      await endBuild(rt, trx, id, { kind: "server-stopped" });
      return undefined;
    }
    const doc = docOf(row);
    const at = rt.clock.now();
    doc.phases = doc.phases.map((p) =>
      p.phaseType === "QUEUED" && p.endTime === undefined ? endPhase(p, "SUCCEEDED", at) : p,
    );
    if (doc.timerJobId !== undefined) await rt.queue.cancel(trx, { id: doc.timerJobId });
    return commitChange(rt, trx, row, doc, { running: true });
  });
  return result;
}

/** The runner reported its phases. Ignored once the build has ended. */
export async function reportPhases(rt: CodeBuildRuntime, id: string, phases: BuildPhase[]): Promise<void> {
  await rt.store.transaction(async (trx) => {
    const row = await loadBuild(trx, id);
    if (!row || row.state === "done") return;
    const doc = docOf(row);
    doc.phases = mergePhases(doc.phases, phases);
    await commitChange(rt, trx, row, doc, {});
  });
}

/** The runner's outcome. A build StopBuild asked to stop ends STOPPED whatever the runner says. */
export async function finishBuild(rt: CodeBuildRuntime, id: string, outcome: BuildOutcome): Promise<void> {
  await rt.store.transaction(async (trx) => {
    const row = await loadBuild(trx, id);
    if (!row || row.state === "done") return;
    const status: BuildStatus = row.stop_requested ? "STOPPED" : outcome.status;
    const at = rt.clock.now();
    const doc = docOf(row);
    const closing = status === "SUCCEEDED" ? "SUCCEEDED" : status;
    doc.phases = withCompleted(closePhases(mergePhases(doc.phases, outcome.phases), closing, at), at);
    doc.exportedEnvironmentVariables = outcome.exportedEnvironmentVariables;
    if (outcome.artifacts) doc.artifacts = { ...doc.artifacts, ...outcome.artifacts };
    if (outcome.secondaryArtifacts.length) doc.secondaryArtifacts = outcome.secondaryArtifacts;
    await commitChange(rt, trx, row, doc, { status, done: true });
  });
}

/** The queued-timeout timer fired: a build still waiting for a runner ends TIMED_OUT. */
export async function timeOutQueued(rt: CodeBuildRuntime, id: string): Promise<void> {
  await rt.store.transaction(async (trx) => {
    const row = await loadBuild(trx, id);
    if (!row || row.state !== "queued") return;
    await endBuild(rt, trx, id, { kind: "queued-timeout", minutes: docOf(row).queuedTimeoutInMinutes });
  });
}

/**
 * Ends the builds a previous process left behind: running ones whose job nobody holds a live lease
 * on (FAULT, "the server stopped…"), and queued ones whose job is gone. Call before workers start.
 * Returns the ids it ended.
 */
export async function recoverBuilds(rt: CodeBuildRuntime): Promise<string[]> {
  const rows = await rt.store.db
    .selectFrom("codebuild_builds")
    .select(["id", "state"])
    .where("state", "in", ["queued", "running"])
    .execute();
  const ended: string[] = [];
  const now = rt.clock.now();
  for (const { id, state } of rows) {
    const row = await loadBuild(rt.store.db, id);
    if (!row) continue;
    const job = await rt.queue.get(docOf(row).jobId);
    const jobDead = !job || job.failedAt !== null;
    // A lease held by a process of this machine that died (the usual case: this server, killed)
    // ends now rather than after its timeout; another live process's lease is respected.
    const leased =
      job?.leaseOwner != null && (job.leaseExpiresAt ?? 0) > now && !isLeaseOwnerGone(job.leaseOwner);
    if (state === "running" && !leased) {
      await rt.store.transaction((trx) => endBuild(rt, trx, id, { kind: "server-stopped" }));
      ended.push(id);
    } else if (state === "queued" && jobDead) {
      await rt.store.transaction((trx) => endBuild(rt, trx, id, { kind: "job-lost" }));
      ended.push(id);
    }
  }
  return ended;
}
