import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { ActionResult } from "../providers/types.js";
import { emitActionEvent } from "./events.js";
import { findExecution, inputOf, type ActionOutputDoc, type ActionRow } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";
import { cancelActionTimer } from "./timeouts.js";
import { enqueueAdvance } from "./wake.js";

/** How an action ended. */
export type ActionOutcome =
  | { status: "Succeeded"; result: ActionResult; outputVariables?: Record<string, string> }
  | { status: "Failed"; code: string; message: string; result?: ActionResult }
  | { status: "Abandoned"; message: string };

export async function findAction(trx: Kysely<Database>, id: string): Promise<ActionRow | undefined> {
  return trx
    .selectFrom("codepipeline_action_executions")
    .selectAll()
    .where("action_execution_id", "=", id)
    .executeTakeFirst();
}

/**
 * Records how an action ended, if it is still in progress (a second report of the same end — a
 * redelivered event, a job run twice — changes nothing), and wakes the engine.
 */
export async function finishAction(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  actionExecutionId: string,
  outcome: ActionOutcome,
  options: { fromTimer?: boolean } = {},
): Promise<boolean> {
  const row = await findAction(trx, actionExecutionId);
  if (!row || row.status !== "InProgress") return false;
  const input = inputOf(row);
  const result = outcome.status === "Abandoned" ? undefined : outcome.result;
  const output: ActionOutputDoc = {
    outputArtifacts: outcome.status === "Succeeded" ? input.outputArtifacts : [],
    outputVariables: result?.outputVariables ?? {},
    ...(result?.revision
      ? {
          revision: {
            revisionId: result.revision.revisionId,
            ...(result.revision.revisionSummary !== undefined
              ? { revisionSummary: result.revision.revisionSummary }
              : {}),
            ...(result.revision.revisionUrl !== undefined
              ? { revisionUrl: result.revision.revisionUrl }
              : {}),
            ...(result.revision.revisionChangeId !== undefined
              ? { revisionChangeId: result.revision.revisionChangeId }
              : {}),
            ...(result.revision.created ? { created: result.revision.created.getTime() } : {}),
          },
        }
      : {}),
  };
  const updated = await trx
    .updateTable("codepipeline_action_executions")
    .set({
      status: outcome.status,
      output: JSON.stringify(output),
      summary: result?.summary ?? (outcome.status === "Succeeded" ? null : outcome.message),
      error_code:
        outcome.status === "Failed" ? outcome.code : outcome.status === "Abandoned" ? "JobFailed" : null,
      error_message: outcome.status === "Succeeded" ? null : outcome.message,
      ...(result?.externalExecutionId !== undefined
        ? { external_execution_id: result.externalExecutionId }
        : {}),
      ...(result?.externalExecutionUrl !== undefined
        ? { external_execution_url: result.externalExecutionUrl }
        : {}),
      token: null,
      updated_at: rt.clock.now(),
    })
    .where("action_execution_id", "=", actionExecutionId)
    .where("status", "=", "InProgress")
    .returningAll()
    .executeTakeFirst();
  if (!updated) return false;
  const execution = (await findExecution(trx, row.execution_id))!;
  await emitActionEvent(
    rt.bus,
    trx,
    execution,
    updated,
    input,
    outcome.status === "Succeeded" ? "SUCCEEDED" : outcome.status === "Failed" ? "FAILED" : "ABANDONED",
  );
  // The timer's own job ends with its handler; any other end stops the timer.
  if (!options.fromTimer) await cancelActionTimer(rt, trx, actionExecutionId);
  await enqueueAdvance(rt, trx, row.execution_id);
  return true;
}
