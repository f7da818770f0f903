import { z } from "zod";
import { RunListInput, runPageRequest } from "./run-listing.js";
import { operation } from "../../kit/index.js";
import { inputOf, outputOf, type ActionRow } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";
import { stageConditionStates } from "./condition-state.js";
import { PipelineName, requirePipeline } from "./operation-lookups.js";
import { latestStageExecution, waitingExecutions } from "./stage-state.js";

/** GetPipelineState and ListActionExecutions: where executions and their actions stand. */

/** An action execution as GetPipelineState's `ActionExecution`. */
function actionExecutionShape(row: ActionRow) {
  return {
    actionExecutionId: row.action_execution_id,
    status: row.status,
    ...(row.summary !== null ? { summary: row.summary } : {}),
    lastStatusChange: new Date(Number(row.updated_at)),
    ...(row.token !== null ? { token: row.token } : {}),
    ...(row.external_execution_id !== null ? { externalExecutionId: row.external_execution_id } : {}),
    ...(row.external_execution_url !== null ? { externalExecutionUrl: row.external_execution_url } : {}),
    ...(row.error_code !== null
      ? { errorDetails: { code: row.error_code, message: (row.error_message ?? "").slice(0, 5000) } }
      : {}),
  };
}

/** GetPipelineState: each stage's latest execution and each action's latest run. */
export function getPipelineState(rt: ExecutionRuntime) {
  return operation({
    name: "GetPipelineState",
    input: z.object({ name: PipelineName }),
    handler: async (input, ctx) => {
      const { head, pipeline } = await requirePipeline(rt, ctx, input.name);
      const transitions = await ctx.trx
        .selectFrom("codepipeline_transitions")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("pipeline_name", "=", input.name)
        .where(
          "stage_name",
          "in",
          pipeline.stages.map((stage) => stage.name),
        )
        .limit(pipeline.stages.length)
        .execute();
      const stageStates = [];
      for (const stage of pipeline.stages) {
        const where = {
          accountId: ctx.accountId,
          region: ctx.region,
          pipelineName: input.name,
          stageName: stage.name,
        };
        const latest = await latestStageExecution(ctx.trx, where);
        const waiting = await waitingExecutions(ctx.trx, where);
        const transition = transitions.find((t) => t.stage_name === stage.name);
        const actionStates = [];
        for (const action of stage.actions) {
          const run = await ctx.trx
            .selectFrom("codepipeline_action_executions")
            .selectAll()
            .where("account_id", "=", ctx.accountId)
            .where("region", "=", ctx.region)
            .where("pipeline_name", "=", input.name)
            .where("stage_name", "=", stage.name)
            .where("action_name", "=", action.name)
            .orderBy("started_at", "desc")
            .orderBy("stage_attempt", "desc")
            .limit(1)
            .executeTakeFirst();
          const revision = run && run.status === "Succeeded" ? outputOf(run)?.revision : undefined;
          actionStates.push({
            actionName: action.name,
            ...(revision
              ? {
                  currentRevision: {
                    revisionId: revision.revisionId,
                    revisionChangeId: revision.revisionChangeId ?? revision.revisionId,
                    created: new Date(revision.created ?? Number(run!.updated_at)),
                  },
                  ...(revision.revisionUrl !== undefined ? { revisionUrl: revision.revisionUrl } : {}),
                }
              : {}),
            ...(run ? { latestExecution: actionExecutionShape(run) } : {}),
          });
        }
        stageStates.push({
          stageName: stage.name,
          ...(waiting.length
            ? {
                inboundExecution: {
                  pipelineExecutionId: waiting[0]!.execution_id,
                  status: "InProgress",
                  type: waiting[0]!.execution_type,
                },
                inboundExecutions: waiting.map((w) => ({
                  pipelineExecutionId: w.execution_id,
                  status: "InProgress",
                  type: w.execution_type,
                })),
              }
            : {}),
          inboundTransitionState: {
            enabled: transition ? transition.enabled !== 0 : true,
            ...(transition?.last_changed_by ? { lastChangedBy: transition.last_changed_by } : {}),
            ...(transition ? { lastChangedAt: new Date(Number(transition.last_changed_at)) } : {}),
            ...(transition?.disabled_reason ? { disabledReason: transition.disabled_reason } : {}),
          },
          actionStates,
          ...(await stageConditionStates(ctx.trx, ctx, input.name, stage)),
          ...(latest
            ? {
                latestExecution: {
                  pipelineExecutionId: latest.execution_id,
                  status: latest.status,
                  type: latest.execution_type,
                },
              }
            : {}),
          ...(latest && latest.auto_retries + latest.manual_retries > 0
            ? {
                retryStageMetadata: {
                  autoStageRetryAttempt: latest.auto_retries,
                  manualStageRetryAttempt: latest.manual_retries,
                  // A manual retry can only follow the automatic one (it needs a failed execution).
                  latestRetryTrigger: latest.manual_retries > 0 ? "ManualStageRetry" : "AutomatedStageRetry",
                },
              }
            : {}),
        });
      }
      return {
        pipelineName: input.name,
        pipelineVersion: head.version,
        stageStates,
        created: new Date(head.created),
        updated: new Date(head.updated),
      };
    },
  });
}

/** ListActionExecutions: newest first, of the pipeline or of one execution. */
export function listActionExecutions(rt: ExecutionRuntime) {
  return operation({
    name: "ListActionExecutions",
    input: RunListInput,
    handler: async (input, ctx) => {
      const request = await runPageRequest(rt, ctx, "ListActionExecutions", input);
      const { executionId, after, limit } = request;
      let query = ctx.trx
        .selectFrom("codepipeline_action_executions")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("pipeline_name", "=", input.pipelineName)
        .orderBy("started_at", "desc")
        .orderBy("action_execution_id", "desc")
        .limit(limit + 1);
      if (executionId !== undefined) query = query.where("execution_id", "=", executionId);
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb("started_at", "<", after.t),
            eb.and([eb("started_at", "=", after.t), eb("action_execution_id", "<", after.id)]),
          ]),
        );
      }
      const rows = await query.execute();
      const { count, nextToken } = request.nextToken(rows, (i) => rows[i]!.action_execution_id);
      return {
        actionExecutionDetails: rows.slice(0, count).map(actionExecutionDetail),
        ...(nextToken !== undefined ? { nextToken } : {}),
      };
    },
  });
}

/** An action execution as `ActionExecutionDetail`. */
function actionExecutionDetail(row: ActionRow) {
  const input = inputOf(row);
  const output = outputOf(row);
  const artifactDetail = (a: { name: string; bucket: string; key: string }) => ({
    name: a.name,
    s3location: { bucket: a.bucket, key: a.key },
  });
  return {
    pipelineExecutionId: row.execution_id,
    actionExecutionId: row.action_execution_id,
    pipelineVersion: row.pipeline_version,
    stageName: row.stage_name,
    actionName: row.action_name,
    startTime: new Date(Number(row.started_at)),
    lastUpdateTime: new Date(Number(row.updated_at)),
    status: row.status,
    input: {
      actionTypeId: input.actionTypeId,
      configuration: input.configuration,
      resolvedConfiguration: input.resolvedConfiguration,
      region: input.region,
      inputArtifacts: input.inputArtifacts.map(artifactDetail),
      ...(input.namespace ? { namespace: input.namespace } : {}),
    },
    output: {
      outputArtifacts: (output?.outputArtifacts ?? []).map(artifactDetail),
      executionResult: {
        ...(row.external_execution_id !== null ? { externalExecutionId: row.external_execution_id } : {}),
        ...(row.summary !== null ? { externalExecutionSummary: row.summary.slice(0, 2048) } : {}),
        ...(row.external_execution_url !== null ? { externalExecutionUrl: row.external_execution_url } : {}),
        ...(row.error_code !== null
          ? { errorDetails: { code: row.error_code, message: (row.error_message ?? "").slice(0, 5000) } }
          : {}),
      },
      outputVariables: output?.outputVariables ?? {},
    },
  };
}
