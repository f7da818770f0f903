import { z } from "zod";
import { awsString, type OperationContext } from "../../kit/index.js";
import { codepipelineError, pipelineNotFound } from "../errors.js";
import type { EnginePipeline, PipelineHead } from "./pipeline-source.js";
import { findExecution, type ExecutionRow } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";

/** What every execution operation looks up first: names, the pipeline, the execution, the stage. */

export const PipelineName = awsString(1, 100);
export const ExecutionId = z.string().regex(/^[0-9a-f-]{36}$/, "Member must be a pipeline execution ID");
export const StageName = awsString(1, 100);
export const ActionName = awsString(1, 100);

/** The pipeline's head and its current declaration, or PipelineNotFoundException. */
export async function requirePipeline(
  rt: ExecutionRuntime,
  ctx: OperationContext,
  name: string,
): Promise<{ head: PipelineHead; pipeline: EnginePipeline }> {
  const head = await rt.pipelines.head(ctx.trx, ctx, name);
  const pipeline = head && (await rt.pipelines.declaration(ctx.trx, ctx, name, head.version));
  if (!head || !pipeline) throw pipelineNotFound(name);
  return { head, pipeline };
}

/** The execution of `pipelineName`, or PipelineExecutionNotFoundException. */
export async function requireExecution(
  ctx: OperationContext,
  pipelineName: string,
  executionId: string,
): Promise<ExecutionRow> {
  const row = await findExecution(ctx.trx, executionId);
  if (
    !row ||
    row.account_id !== ctx.accountId ||
    row.region !== ctx.region ||
    row.pipeline_name !== pipelineName
  ) {
    throw codepipelineError(
      "PipelineExecutionNotFoundException",
      `Pipeline ${pipelineName} has no execution ${executionId}.`,
    );
  }
  return row;
}

/**
 * For an operation that changes a running execution: the pipeline is locked (as the engine locks
 * it for a step), then the execution and the stage it names are looked up in the version of the
 * pipeline that execution runs.
 */
export async function lockExecutionStage(
  rt: ExecutionRuntime,
  ctx: OperationContext,
  input: { pipelineName: string; pipelineExecutionId: string; stageName: string },
): Promise<{ row: ExecutionRow; pipeline: EnginePipeline; stage: EnginePipeline["stages"][number] }> {
  await requirePipeline(rt, ctx, input.pipelineName);
  await rt.pipelines.lock(ctx.trx, ctx, input.pipelineName);
  const row = await requireExecution(ctx, input.pipelineName, input.pipelineExecutionId);
  const pipeline = await rt.pipelines.declaration(ctx.trx, ctx, row.pipeline_name, row.pipeline_version);
  if (!pipeline) throw pipelineNotFound(input.pipelineName);
  return { row, pipeline, stage: requireStage(pipeline, input.stageName) };
}

/** The stage `stageName` of `pipeline`, or StageNotFoundException naming the stages there are. */
export function requireStage(pipeline: EnginePipeline, stageName: string) {
  const stage = pipeline.stages.find((s) => s.name === stageName);
  if (!stage) {
    throw codepipelineError(
      "StageNotFoundException",
      `Pipeline ${pipeline.name} has no stage ${JSON.stringify(stageName)}; its stages are ${pipeline.stages
        .map((s) => s.name)
        .join(", ")}.`,
    );
  }
  return stage;
}
