import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../../platform/store/index.js";
import { awsString, operation } from "../../kit/index.js";
import { codepipelineError } from "../errors.js";
import { finishAction } from "./actions.js";
import { endExecution } from "./advance.js";
import { enqueueAdvance } from "./wake.js";
import { emitPipelineEvent } from "./events.js";
import { actionsOf, stagesOf, type ExecutionRow } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";
import {
  ActionName,
  ExecutionId,
  PipelineName,
  requireExecution,
  requirePipeline,
  requireStage,
  StageName,
} from "./operation-lookups.js";

/** StopPipelineExecution and PutApprovalResult: what people do to a running execution. */

/** StopPipelineExecution: stop and wait, or stop and abandon. */
export function stopPipelineExecution(rt: ExecutionRuntime) {
  return operation({
    name: "StopPipelineExecution",
    input: z.object({
      pipelineName: PipelineName,
      pipelineExecutionId: ExecutionId,
      abandon: z.boolean().optional(),
      reason: awsString(0, 200).optional(),
    }),
    handler: async (input, ctx) => {
      await requirePipeline(rt, ctx, input.pipelineName);
      await rt.pipelines.lock(ctx.trx, ctx, input.pipelineName);
      const row = await requireExecution(ctx, input.pipelineName, input.pipelineExecutionId);
      if (row.status === "Stopping" && !input.abandon) {
        throw codepipelineError(
          "DuplicatedStopRequestException",
          `Execution ${row.execution_id} is already stopping; to stop it at once, stop it again with abandon.`,
        );
      }
      if (row.status !== "InProgress" && row.status !== "Stopping") {
        throw codepipelineError(
          "PipelineExecutionNotStoppableException",
          `Execution ${row.execution_id} is ${row.status}; only an execution in progress can be stopped.`,
        );
      }
      const now = rt.clock.now();
      await ctx.trx
        .updateTable("codepipeline_executions")
        .set({ status: "Stopping", stop_reason: input.reason ?? row.stop_reason, updated_at: now })
        .where("execution_id", "=", row.execution_id)
        .execute();
      if (row.status !== "Stopping")
        await emitPipelineEvent(rt.bus, ctx.trx, { ...row, status: "Stopping" }, "STOPPING");
      if (input.abandon) await abandon(rt, ctx.trx, row);
      else await enqueueAdvance(rt, ctx.trx, row.execution_id);
      return { pipelineExecutionId: row.execution_id };
    },
  });
}

/** Stop and abandon: running actions are abandoned and the execution stops now. */
async function abandon(rt: ExecutionRuntime, trx: Kysely<Database>, row: ExecutionRow): Promise<void> {
  const running = (await actionsOf(trx, row.execution_id)).filter((a) => a.status === "InProgress");
  for (const action of running) {
    await finishAction(rt, trx, action.action_execution_id, {
      status: "Abandoned",
      message: "The execution was stopped and this action abandoned.",
    });
  }
  const now = rt.clock.now();
  for (const stage of await stagesOf(trx, row.execution_id)) {
    if (stage.status !== "InProgress" && stage.status !== "Stopping") continue;
    await trx
      .updateTable("codepipeline_stage_executions")
      .set({ status: "Stopped", updated_at: now })
      .where("execution_id", "=", row.execution_id)
      .where("stage_name", "=", stage.stage_name)
      .execute();
  }
  await endExecution(rt, trx, { ...row, status: "Stopping" }, "Stopped", row.status_summary);
  // Others may wait for the stage this one held.
  const others = await trx
    .selectFrom("codepipeline_executions")
    .select("execution_id")
    .where("account_id", "=", row.account_id)
    .where("region", "=", row.region)
    .where("pipeline_name", "=", row.pipeline_name)
    .where("status", "=", "InProgress")
    .where("waiting_for_stage", "is not", null)
    .execute();
  for (const other of others) await enqueueAdvance(rt, trx, other.execution_id);
}

/** PutApprovalResult: approves or rejects a manual approval that waits. */
export function putApprovalResult(rt: ExecutionRuntime) {
  return operation({
    name: "PutApprovalResult",
    input: z.object({
      pipelineName: PipelineName,
      stageName: StageName,
      actionName: ActionName,
      result: z.object({ summary: awsString(0, 512), status: z.enum(["Approved", "Rejected"]) }),
      token: z.string().regex(/^[0-9a-f-]{36}$/, "Member must be the token GetPipelineState returns"),
    }),
    handler: async (input, ctx) => {
      const { pipeline } = await requirePipeline(rt, ctx, input.pipelineName);
      const stage = requireStage(pipeline, input.stageName);
      const action = stage.actions.find((a) => a.name === input.actionName);
      if (!action || action.actionTypeId.category !== "Approval") {
        throw codepipelineError(
          "ActionNotFoundException",
          `Stage ${input.stageName} of pipeline ${input.pipelineName} has no approval action ${JSON.stringify(input.actionName)}.`,
        );
      }
      const byToken = await ctx.trx
        .selectFrom("codepipeline_action_executions")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("pipeline_name", "=", input.pipelineName)
        .where("stage_name", "=", input.stageName)
        .where("action_name", "=", input.actionName)
        .where("token", "=", input.token)
        .executeTakeFirst();
      if (!byToken) {
        const waiting = await ctx.trx
          .selectFrom("codepipeline_action_executions")
          .select("action_execution_id")
          .where("account_id", "=", ctx.accountId)
          .where("region", "=", ctx.region)
          .where("pipeline_name", "=", input.pipelineName)
          .where("stage_name", "=", input.stageName)
          .where("action_name", "=", input.actionName)
          .where("status", "=", "InProgress")
          .executeTakeFirst();
        if (!waiting) {
          throw codepipelineError(
            "ApprovalAlreadyCompletedException",
            `Approval ${input.actionName} in stage ${input.stageName} is not waiting for a result.`,
          );
        }
        throw codepipelineError(
          "InvalidApprovalTokenException",
          `The token is not the one of the approval ${input.actionName} waiting in stage ${input.stageName}; GetPipelineState shows the current token.`,
        );
      }
      const approved = input.result.status === "Approved";
      const summary = input.result.summary;
      await finishAction(
        rt,
        ctx.trx,
        byToken.action_execution_id,
        approved
          ? { status: "Succeeded", result: { summary: summary || `Approved by ${ctx.principal.arn}` } }
          : {
              status: "Failed",
              code: "JobFailed",
              message: summary
                ? `Rejected by ${ctx.principal.arn}: ${summary}`
                : `Rejected by ${ctx.principal.arn}`,
            },
      );
      await ctx.trx
        .updateTable("codepipeline_action_executions")
        .set({ summary: summary || null })
        .where("action_execution_id", "=", byToken.action_execution_id)
        .execute();
      return { approvedAt: new Date(rt.clock.now()) };
    },
  });
}
