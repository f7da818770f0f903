import type { Executor } from "../../platform/queue/index.js";
import type { BuildPhase } from "../../runner/api.js";
import { docOf, type BuildRow } from "./build-rows.js";
import type { CodeBuildRuntime } from "./deps.js";

// Event shapes from the CodeBuild user guide, "Build notifications input format reference":
// times inside `additional-information` are written as `Sep 1, 2017 4:12:29 PM`, and contexts as
// JSON text, exactly as AWS sends them, so rules and targets written for AWS read them unchanged.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Sep 1, 2017 4:12:29 PM` (UTC), the time format of CodeBuild's event details. */
export function eventTime(epochMs: number): string {
  const d = new Date(epochMs);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 || 12}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

function phaseDetail(p: BuildPhase): Record<string, unknown> {
  return {
    "phase-context": p.contexts.map((c) => `${c.statusCode}: ${c.message}`),
    "start-time": eventTime(p.startTime),
    ...(p.endTime !== undefined ? { "end-time": eventTime(p.endTime) } : {}),
    ...(p.durationInSeconds !== undefined ? { "duration-in-seconds": p.durationInSeconds } : {}),
    "phase-type": p.phaseType,
    ...(p.phaseStatus && p.phaseStatus !== "IN_PROGRESS" ? { "phase-status": p.phaseStatus } : {}),
  };
}

function additionalInformation(row: BuildRow): Record<string, unknown> {
  const doc = docOf(row);
  return {
    ...(doc.artifacts.location ? { artifact: { ...doc.artifacts } } : {}),
    environment: {
      image: doc.environment.image,
      "privileged-mode": doc.environment.privilegedMode ?? false,
      "compute-type": doc.environment.computeType,
      type: doc.environment.type,
      "environment-variables": doc.environment.environmentVariables.map((v) => ({
        name: v.name,
        type: v.type,
        // Only plain values appear in events; references are named, never resolved.
        value: v.value,
      })),
    },
    "timeout-in-minutes": doc.timeoutInMinutes,
    "queued-timeout-in-minutes": doc.queuedTimeoutInMinutes,
    "build-complete": row.state === "done",
    initiator: doc.initiator,
    "build-start-time": eventTime(row.start_time),
    source: { ...(doc.source.location ? { location: doc.source.location } : {}), type: doc.source.type },
    ...(doc.sourceVersion ? { "source-version": doc.sourceVersion } : {}),
    logs: {
      "group-name": doc.logs.groupName,
      "stream-name": doc.logs.streamName,
      "deep-link": doc.logs.deepLink,
    },
    phases: doc.phases.map(phaseDetail),
  };
}

/** Records "CodeBuild Build State Change" for `row` in the caller's transaction. */
export async function emitStateChange(
  rt: CodeBuildRuntime,
  executor: Executor,
  row: BuildRow,
): Promise<void> {
  const doc = docOf(row);
  const current = doc.phases[doc.phases.length - 1];
  await rt.bus.emit(executor, {
    source: "aws.codebuild",
    detailType: "CodeBuild Build State Change",
    account: row.account_id,
    region: row.region,
    resources: [doc.arn],
    detail: {
      "build-status": row.status,
      "project-name": row.project_name,
      "build-id": doc.arn,
      "additional-information": additionalInformation(row),
      "current-phase": row.current_phase,
      "current-phase-context": JSON.stringify(
        current?.contexts.map((c) => `${c.statusCode}: ${c.message}`) ?? [],
      ),
      version: "1",
    },
  });
}

/** Records "CodeBuild Build Phase Change" for each phase that ended, in the caller's transaction. */
export async function emitPhaseChanges(
  rt: CodeBuildRuntime,
  executor: Executor,
  row: BuildRow,
  ended: readonly BuildPhase[],
): Promise<void> {
  const doc = docOf(row);
  for (const p of ended) {
    await rt.bus.emit(executor, {
      source: "aws.codebuild",
      detailType: "CodeBuild Build Phase Change",
      account: row.account_id,
      region: row.region,
      resources: [doc.arn],
      detail: {
        "completed-phase": p.phaseType,
        "project-name": row.project_name,
        "build-id": doc.arn,
        "completed-phase-context": JSON.stringify(p.contexts.map((c) => `${c.statusCode}: ${c.message}`)),
        "additional-information": additionalInformation(row),
        "completed-phase-status": p.phaseStatus ?? "SUCCEEDED",
        "completed-phase-duration-seconds": p.durationInSeconds ?? 0,
        version: "1",
        "completed-phase-start": eventTime(p.startTime),
        ...(p.endTime !== undefined ? { "completed-phase-end": eventTime(p.endTime) } : {}),
      },
    });
  }
}

/** Phases of `after` that have ended but had not in `before` (matched by type and start). */
export function newlyEnded(before: readonly BuildPhase[], after: readonly BuildPhase[]): BuildPhase[] {
  const done = new Set(
    before.filter((p) => p.endTime !== undefined).map((p) => `${p.phaseType}@${p.startTime}`),
  );
  return after.filter((p) => p.endTime !== undefined && !done.has(`${p.phaseType}@${p.startTime}`));
}
