import { z } from "zod";
import { awsString, operation, type OperationContext } from "../../kit/index.js";
import { codepipelineError } from "../errors.js";
import { startRollback } from "./start.js";
import { enqueueAdvance } from "./wake.js";
import { emitPipelineEvent, emitStageEvent } from "./events.js";
import type { EnginePipeline } from "./pipeline-source.js";
import { stagesOf } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";
import {
  ExecutionId,
  PipelineName,
  lockExecutionStage,
  requireExecution,
  requirePipeline,
  requireStage,
  StageName,
} from "./operation-lookups.js";

/** Stage transitions, RetryStageExecution and RollbackStage. */

const TransitionInput = {
  pipelineName: PipelineName,
  stageName: StageName,
  transitionType: z.enum(["Inbound", "Outbound"]),
};

/**
 * The stage whose inbound transition a request names: `Outbound` of a stage is the inbound
 * transition of the next one.
 */
function transitionStage(pipeline: EnginePipeline, stageName: string, type: "Inbound" | "Outbound"): string {
  requireStage(pipeline, stageName);
  const index = pipeline.stages.findIndex((s) => s.name === stageName);
  const target = type === "Inbound" ? pipeline.stages[index] : pipeline.stages[index + 1];
  if (!target || (type === "Inbound" && index === 0)) {
    throw codepipelineError(
      "ValidationException",
      type === "Inbound"
        ? `Stage ${stageName} is the first stage; it has no inbound transition.`
        : `Stage ${stageName} is the last stage; it has no outbound transition.`,
    );
  }
  return target.name;
}

async function setTransition(
  rt: ExecutionRuntime,
  ctx: OperationContext,
  pipelineName: string,
  stageName: string,
  enabled: boolean,
  reason: string | null,
): Promise<void> {
  const now = rt.clock.now();
  const values = {
    enabled: enabled ? 1 : 0,
    disabled_reason: reason,
    last_changed_by: ctx.principal.arn,
    last_changed_at: now,
  };
  await ctx.trx
    .insertInto("codepipeline_transitions")
    .values({
      account_id: ctx.accountId,
      region: ctx.region,
      pipeline_name: pipelineName,
      stage_name: stageName,
      ...values,
    })
    .onConflict((oc) =>
      oc.columns(["account_id", "region", "pipeline_name", "stage_name"]).doUpdateSet(values),
    )
    .execute();
}

/** DisableStageTransition: executions wait at the stage's entrance until it is enabled again. */
export function disableStageTransition(rt: ExecutionRuntime) {
  return operation({
    name: "DisableStageTransition",
    input: z.object({
      ...TransitionInput,
      reason: awsString(1, 300).regex(/^[a-zA-Z0-9!@ ().*?-]+$/),
    }),
    handler: async (input, ctx) => {
      const { pipeline } = await requirePipeline(rt, ctx, input.pipelineName);
      const stage = transitionStage(pipeline, input.stageName, input.transitionType);
      await setTransition(rt, ctx, input.pipelineName, stage, false, input.reason);
      return {};
    },
  });
}

/** EnableStageTransition: lets the executions that wait at the stage's entrance in. */
export function enableStageTransition(rt: ExecutionRuntime) {
  return operation({
    name: "EnableStageTransition",
    input: z.object(TransitionInput),
    handler: async (input, ctx) => {
      const { pipeline } = await requirePipeline(rt, ctx, input.pipelineName);
      const stage = transitionStage(pipeline, input.stageName, input.transitionType);
      await setTransition(rt, ctx, input.pipelineName, stage, true, null);
      const waiters = await ctx.trx
        .selectFrom("codepipeline_executions")
        .select("execution_id")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("pipeline_name", "=", input.pipelineName)
        .where("status", "=", "InProgress")
        .where("waiting_for_stage", "=", stage)
        .execute();
      for (const w of waiters) await enqueueAdvance(rt, ctx.trx, w.execution_id);
      return {};
    },
  });
}

/** RetryStageExecution: runs a failed stage again, its failed actions or all of them. */
export function retryStageExecution(rt: ExecutionRuntime) {
  return operation({
    name: "RetryStageExecution",
    input: z.object({
      pipelineName: PipelineName,
      stageName: StageName,
      pipelineExecutionId: ExecutionId,
      retryMode: z.enum(["FAILED_ACTIONS", "ALL_ACTIONS"]),
    }),
    handler: async (input, ctx) => {
      const { row } = await lockExecutionStage(rt, ctx, input);
      const stage = (await stagesOf(ctx.trx, row.execution_id)).find((s) => s.stage_name === input.stageName);
      if (
        !stage ||
        (stage.status !== "Failed" && stage.status !== "Stopped") ||
        row.status === "InProgress"
      ) {
        throw codepipelineError(
          "StageNotRetryableException",
          `Stage ${input.stageName} of execution ${row.execution_id} is ${stage?.status ?? "not run"}; only a failed or stopped stage of an execution that has ended can be retried.`,
        );
      }
      const latest = await ctx.trx
        .selectFrom("codepipeline_stage_executions as s")
        .innerJoin("codepipeline_executions as e", "e.execution_id", "s.execution_id")
        .select("s.execution_id")
        .where("s.account_id", "=", ctx.accountId)
        .where("s.region", "=", ctx.region)
        .where("s.pipeline_name", "=", input.pipelineName)
        .where("s.stage_name", "=", input.stageName)
        .orderBy("e.ordinal", "desc")
        .limit(1)
        .executeTakeFirst();
      if (latest?.execution_id !== row.execution_id) {
        throw codepipelineError(
          "NotLatestPipelineExecutionException",
          `A newer execution (${latest?.execution_id}) has run stage ${input.stageName}; only the latest execution in a stage can retry it.`,
        );
      }
      const now = rt.clock.now();
      await ctx.trx
        .updateTable("codepipeline_stage_executions")
        .set({
          status: "InProgress",
          attempt: stage.attempt + 1,
          retry_mode: input.retryMode,
          updated_at: now,
        })
        .where("execution_id", "=", row.execution_id)
        .where("stage_name", "=", input.stageName)
        .execute();
      await ctx.trx
        .updateTable("codepipeline_executions")
        .set({ status: "InProgress", status_summary: null, stop_reason: null, updated_at: now })
        .where("execution_id", "=", row.execution_id)
        .execute();
      const resumed = { ...row, status: "InProgress" };
      await emitPipelineEvent(rt.bus, ctx.trx, resumed, "RESUMED");
      await emitStageEvent(rt.bus, ctx.trx, resumed, input.stageName, "RESUMED");
      await enqueueAdvance(rt, ctx.trx, row.execution_id);
      return { pipelineExecutionId: row.execution_id };
    },
  });
}

/** RollbackStage: runs a stage again with what an earlier execution that succeeded there carried. */
export function rollbackStage(rt: ExecutionRuntime) {
  return operation({
    name: "RollbackStage",
    input: z.object({
      pipelineName: PipelineName,
      stageName: StageName,
      targetPipelineExecutionId: ExecutionId,
    }),
    handler: async (input, ctx) => {
      const { head, pipeline } = await requirePipeline(rt, ctx, input.pipelineName);
      requireStage(pipeline, input.stageName);
      await rt.pipelines.lock(ctx.trx, ctx, input.pipelineName);
      const target = await requireExecution(ctx, input.pipelineName, input.targetPipelineExecutionId);
      const unable = (why: string) =>
        codepipelineError(
          "UnableToRollbackStageException",
          `Stage ${input.stageName} cannot be rolled back to execution ${target.execution_id}: ${why}`,
        );
      if (pipeline.executionMode === "PARALLEL")
        throw unable("pipelines in PARALLEL mode have no stage rollback.");
      if (pipeline.stages[0]?.name === input.stageName)
        throw unable("the first stage holds the sources; start an execution with sourceRevisions instead.");
      if (target.pipeline_version !== head.version) {
        throw unable(
          `it ran version ${target.pipeline_version} of the pipeline, which is now at version ${head.version}.`,
        );
      }
      const stage = (await stagesOf(ctx.trx, target.execution_id)).find(
        (s) => s.stage_name === input.stageName,
      );
      if (stage?.status !== "Succeeded")
        throw unable(`it did not succeed in that stage (${stage?.status ?? "it never ran there"}).`);
      const running = await ctx.trx
        .selectFrom("codepipeline_stage_executions")
        .select("execution_id")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("pipeline_name", "=", input.pipelineName)
        .where("stage_name", "=", input.stageName)
        .where("status", "in", ["InProgress", "Stopping"])
        .executeTakeFirst();
      if (running)
        throw unable(
          `execution ${running.execution_id} is running in the stage; stop it or wait for it first.`,
        );
      const pipelineExecutionId = await startRollback(
        rt,
        ctx.trx,
        target,
        input.stageName,
        target.execution_id,
        {
          triggerType: "ManualRollback",
          triggerDetail: ctx.principal.arn,
        },
      );
      return { pipelineExecutionId };
    },
  });
}
