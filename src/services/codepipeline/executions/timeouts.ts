import type { Kysely } from "kysely";
import { z } from "zod";
import type { Job } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import { finishAction } from "./finish-action.js";
import { actionTypeKey, type EngineAction } from "./pipeline-source.js";
import type { ExecutionRuntime } from "./runtime.js";

/**
 * Action timeouts, as CodePipeline's quotas set them ("Length of time before an action times
 * out"): a durable timer per running action — a delayed job keyed by the action execution,
 * enqueued in the transaction that starts the action and cancelled in the one that ends it.
 */

/** The timer's job kind. Timers queued before every action had one used the approval kind. */
export const ACTION_TIMEOUT_JOB = "codepipeline.action-timeout";
export const LEGACY_APPROVAL_TIMEOUT_JOB = "codepipeline.approval-timeout";

/** Which of AWS's timeouts an action gets. */
export type TimeoutClass = "approval" | "custom" | "build" | "s3Deploy" | "codeDeploy" | "other";

const HOUR_MS = 3600_000;

/**
 * AWS's defaults: approvals 7 days, custom actions 24 hours, builds 8 hours, S3 deploy 90 minutes,
 * CodeDeploy 5 days, others 1 hour.
 */
export const DEFAULT_TIMEOUTS_MS: Readonly<Record<TimeoutClass, number>> = {
  approval: 7 * 24 * HOUR_MS,
  custom: 24 * HOUR_MS,
  build: 8 * HOUR_MS,
  s3Deploy: 90 * 60_000,
  codeDeploy: 5 * 24 * HOUR_MS,
  other: HOUR_MS,
};

export function timeoutClassOf(actionType: string): TimeoutClass {
  const key = actionType;
  if (key === "Approval/AWS/Manual/1") return "approval";
  if (key.split("/")[1] === "Custom") return "custom";
  if (key === "Build/AWS/CodeBuild/1" || key === "Test/AWS/CodeBuild/1") return "build";
  if (key === "Deploy/AWS/S3/1") return "s3Deploy";
  if (key === "Deploy/AWS/CodeDeploy/1") return "codeDeploy";
  return "other";
}

/** How long `action` may run: a manual approval's own `timeoutInMinutes`, else the class's timeout. */
export function actionTimeoutMs(rt: ExecutionRuntime, action: EngineAction): number {
  const kind = timeoutClassOf(actionTypeKey(action));
  if (kind === "approval" && action.timeoutInMinutes !== undefined) return action.timeoutInMinutes * 60_000;
  return rt.timeoutsMs[kind];
}

const timerKey = (actionExecutionId: string) => `${ACTION_TIMEOUT_JOB}:${actionExecutionId}`;
const Payload = z.object({ actionExecutionId: z.string() });

/** Starts the timer of an action that has just started. */
export async function startActionTimer(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  action: EngineAction,
  actionExecutionId: string,
  now: number,
): Promise<void> {
  await rt.queue.enqueue(trx, {
    kind: ACTION_TIMEOUT_JOB,
    payload: { actionExecutionId },
    runAt: now + actionTimeoutMs(rt, action),
    key: timerKey(actionExecutionId),
  });
}

/** Stops the timer of an action that has ended (nothing when it had none). */
export async function cancelActionTimer(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  actionExecutionId: string,
): Promise<void> {
  await rt.queue.cancel(trx, { key: timerKey(actionExecutionId) });
}

function describe(ms: number): string {
  if (ms % (24 * HOUR_MS) === 0) return `${ms / (24 * HOUR_MS)} day${ms === 24 * HOUR_MS ? "" : "s"}`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} hour${ms === HOUR_MS ? "" : "s"}`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minutes`;
  return `${ms} ms`;
}

function timeoutMessage(kind: TimeoutClass, ms: number): string {
  switch (kind) {
    case "approval":
      return "The approval request expired before anyone approved or rejected it.";
    case "custom":
      return `No job worker finished the action within ${describe(ms)} (CodePipeline's timeout for custom actions); check that a worker polls for this action type and reports PutJobSuccessResult or PutJobFailureResult.`;
    case "build":
    case "s3Deploy":
    case "codeDeploy":
    case "other":
      return `The action did not finish within ${describe(ms)}, CodePipeline's timeout for this action type.`;
  }
}

/** The timer job: an action still running when it fires fails, saying which timeout it hit. */
export function createActionTimeoutHandler(rt: ExecutionRuntime) {
  return async (job: Job): Promise<void> => {
    const { actionExecutionId } = Payload.parse(job.payload);
    await rt.store.transaction(async (trx) => {
      const row = await trx
        .selectFrom("codepipeline_action_executions")
        .select("action_type")
        .where("action_execution_id", "=", actionExecutionId)
        .executeTakeFirst();
      if (!row) return;
      const kind = timeoutClassOf(row.action_type);
      await finishAction(
        rt,
        trx,
        actionExecutionId,
        { status: "Failed", code: "JobFailed", message: timeoutMessage(kind, rt.timeoutsMs[kind]) },
        { fromTimer: true },
      );
    });
  };
}
