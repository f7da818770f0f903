import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../../platform/store/index.js";
import {
  awsInt,
  awsString,
  decodePageToken,
  encodePageToken,
  operation,
  type OperationContext,
} from "../../kit/index.js";
import { codepipelineError, invalidNextToken, pipelineNotFound } from "../errors.js";
import { finishAction } from "./actions.js";
import { endExecution } from "./advance.js";
import { startRollback } from "./start.js";
import { enqueueAdvance } from "./wake.js";
import { emitPipelineEvent, emitStageEvent } from "./events.js";
import type { EnginePipeline, PipelineHead } from "./pipeline-source.js";
import {
  actionsOf,
  findExecution,
  inputOf,
  latestAttempts,
  outputOf,
  stagesOf,
  type ActionRow,
  type ExecutionRow,
  rollbackOf,
} from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";
import { stageConditionStates } from "./condition-state.js";
import { startExecution } from "./start.js";

export const PipelineName = awsString(1, 100);
export const ExecutionId = z.string().regex(/^[0-9a-f-]{36}$/, "Member must be a pipeline execution ID");
export const StageName = awsString(1, 100);
const ActionName = awsString(1, 100);

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

/** `ArtifactRevision`s of an execution: what its source actions fetched. */
function artifactRevisions(actions: readonly ActionRow[]) {
  return [...latestAttempts(actions).values()].flatMap((row) => {
    const revision = outputOf(row)?.revision;
    if (!revision || row.status !== "Succeeded") return [];
    return inputOf(row).outputArtifacts.map((a) => ({
      name: a.name,
      revisionId: revision.revisionId,
      ...(revision.revisionChangeId !== undefined
        ? { revisionChangeIdentifier: revision.revisionChangeId }
        : {}),
      ...(revision.revisionSummary !== undefined ? { revisionSummary: revision.revisionSummary } : {}),
      ...(revision.created !== undefined ? { created: new Date(revision.created) } : {}),
      ...(revision.revisionUrl !== undefined ? { revisionUrl: revision.revisionUrl } : {}),
    }));
  });
}

/** `SourceRevision`s of an execution, one per source action that fetched one. */
function sourceRevisions(actions: readonly ActionRow[]) {
  return [...latestAttempts(actions).values()].flatMap((row) => {
    const revision = outputOf(row)?.revision;
    if (!revision) return [];
    return [
      {
        actionName: row.action_name,
        revisionId: revision.revisionId,
        ...(revision.revisionSummary !== undefined ? { revisionSummary: revision.revisionSummary } : {}),
        ...(revision.revisionUrl !== undefined ? { revisionUrl: revision.revisionUrl } : {}),
      },
    ];
  });
}

/** `rollbackMetadata` of a ROLLBACK execution. */
function rollbackShape(row: ExecutionRow) {
  const rollback = rollbackOf(row);
  return rollback
    ? { rollbackMetadata: { rollbackTargetPipelineExecutionId: rollback.rollbackTargetPipelineExecutionId } }
    : {};
}

function trigger(row: ExecutionRow) {
  return { triggerType: row.trigger_type, triggerDetail: row.trigger_detail };
}

/** StartPipelineExecution: runs the pipeline's current version. */
export function startPipelineExecution(rt: ExecutionRuntime) {
  return operation({
    name: "StartPipelineExecution",
    input: z.object({
      name: PipelineName,
      variables: z.array(z.object({ name: awsString(1, 128), value: awsString(1, 1000) })).optional(),
      clientRequestToken: awsString(1, 128).optional(),
      sourceRevisions: z
        .array(
          z.object({
            actionName: ActionName,
            revisionType: z.enum(["COMMIT_ID", "IMAGE_DIGEST", "S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"]),
            revisionValue: awsString(1, 1500),
          }),
        )
        .max(50)
        .optional(),
    }),
    handler: async (input, ctx) => {
      const pipelineExecutionId = await startExecution(rt, ctx.trx, ctx, input.name, {
        trigger: { triggerType: "StartPipelineExecution", triggerDetail: ctx.principal.arn },
        variables: input.variables,
        sourceRevisions: input.sourceRevisions,
        clientToken: input.clientRequestToken,
      });
      return { pipelineExecutionId };
    },
  });
}

/** GetPipelineExecution. */
export function getPipelineExecution(rt: ExecutionRuntime) {
  return operation({
    name: "GetPipelineExecution",
    input: z.object({ pipelineName: PipelineName, pipelineExecutionId: ExecutionId }),
    handler: async (input, ctx) => {
      await requirePipeline(rt, ctx, input.pipelineName);
      const row = await requireExecution(ctx, input.pipelineName, input.pipelineExecutionId);
      const actions = await actionsOf(ctx.trx, row.execution_id);
      return {
        pipelineExecution: {
          pipelineName: row.pipeline_name,
          pipelineVersion: row.pipeline_version,
          pipelineExecutionId: row.execution_id,
          status: row.status,
          ...(row.status_summary !== null ? { statusSummary: row.status_summary } : {}),
          artifactRevisions: artifactRevisions(actions),
          variables: JSON.parse(row.variables) as Array<{ name: string; resolvedValue: string }>,
          trigger: trigger(row),
          executionMode: row.execution_mode,
          executionType: row.execution_type,
          ...rollbackShape(row),
        },
      };
    },
  });
}

/** ListPipelineExecutions: newest first, a page resuming after the last one returned. */
export function listPipelineExecutions(rt: ExecutionRuntime) {
  return operation({
    name: "ListPipelineExecutions",
    input: z.object({
      pipelineName: PipelineName,
      maxResults: awsInt(1, 100).optional(),
      filter: z
        .object({ succeededInStage: z.object({ stageName: StageName.optional() }).optional() })
        .optional(),
      nextToken: awsString(1, 2048).optional(),
    }),
    handler: async (input, ctx) => {
      await requirePipeline(rt, ctx, input.pipelineName);
      const listing = `ListPipelineExecutions/${input.pipelineName}`;
      const after = decodePageToken(
        input.nextToken,
        listing,
        (p): p is number => typeof p === "number" && Number.isSafeInteger(p),
        invalidNextToken,
      );
      const limit = input.maxResults ?? 100;
      let query = ctx.trx
        .selectFrom("codepipeline_executions")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("pipeline_name", "=", input.pipelineName)
        .orderBy("ordinal", "desc")
        .limit(limit + 1);
      if (after !== undefined) query = query.where("ordinal", "<", after);
      const stageName = input.filter?.succeededInStage?.stageName;
      if (stageName !== undefined) {
        query = query.where("execution_id", "in", (eb) =>
          eb
            .selectFrom("codepipeline_stage_executions")
            .select("execution_id")
            .where("stage_name", "=", stageName)
            .where("status", "=", "Succeeded"),
        );
      }
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const summaries = [];
      for (const row of page) {
        const actions = await actionsOf(ctx.trx, row.execution_id);
        summaries.push({
          pipelineExecutionId: row.execution_id,
          status: row.status,
          ...(row.status_summary !== null ? { statusSummary: row.status_summary } : {}),
          startTime: new Date(Number(row.started_at)),
          lastUpdateTime: new Date(Number(row.updated_at)),
          sourceRevisions: sourceRevisions(actions),
          trigger: trigger(row),
          ...(row.stop_reason !== null ? { stopTrigger: { reason: row.stop_reason } } : {}),
          executionMode: row.execution_mode,
          executionType: row.execution_type,
          ...rollbackShape(row),
        });
      }
      return {
        pipelineExecutionSummaries: summaries,
        ...(rows.length > limit
          ? { nextToken: encodePageToken(listing, Number(page[page.length - 1]!.ordinal)) }
          : {}),
      };
    },
  });
}

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
        .execute();
      const stageStates = [];
      for (const stage of pipeline.stages) {
        const latest = await ctx.trx
          .selectFrom("codepipeline_stage_executions as s")
          .innerJoin("codepipeline_executions as e", "e.execution_id", "s.execution_id")
          .select(["s.execution_id", "s.status", "s.auto_retries", "s.manual_retries", "e.execution_type"])
          .where("s.account_id", "=", ctx.accountId)
          .where("s.region", "=", ctx.region)
          .where("s.pipeline_name", "=", input.name)
          .where("s.stage_name", "=", stage.name)
          .orderBy("s.started_at", "desc")
          .orderBy("e.ordinal", "desc")
          .limit(1)
          .executeTakeFirst();
        const waiting = await ctx.trx
          .selectFrom("codepipeline_executions")
          .select(["execution_id", "execution_type"])
          .where("account_id", "=", ctx.accountId)
          .where("region", "=", ctx.region)
          .where("pipeline_name", "=", input.name)
          .where("status", "=", "InProgress")
          .where("waiting_for_stage", "=", stage.name)
          .orderBy("ordinal", "desc")
          .execute();
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
    input: z.object({
      pipelineName: PipelineName,
      filter: z
        .object({
          pipelineExecutionId: ExecutionId.optional(),
          latestInPipelineExecution: z
            .object({ pipelineExecutionId: ExecutionId, startTimeRange: z.enum(["Latest", "All"]) })
            .optional(),
        })
        .optional(),
      maxResults: awsInt(1, 100).optional(),
      nextToken: awsString(1, 2048).optional(),
    }),
    handler: async (input, ctx) => {
      await requirePipeline(rt, ctx, input.pipelineName);
      const executionId =
        input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId;
      if (executionId !== undefined) await requireExecution(ctx, input.pipelineName, executionId);
      const listing = `ListActionExecutions/${input.pipelineName}/${executionId ?? ""}`;
      const after = decodePageToken(
        input.nextToken,
        listing,
        (p): p is { t: number; id: string } =>
          typeof p === "object" &&
          p !== null &&
          typeof (p as { t?: unknown }).t === "number" &&
          typeof (p as { id?: unknown }).id === "string",
        invalidNextToken,
      );
      const limit = input.maxResults ?? 100;
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
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        actionExecutionDetails: page.map(actionExecutionDetail),
        ...(rows.length > limit && last
          ? {
              nextToken: encodePageToken(listing, {
                t: Number(last.started_at),
                id: last.action_execution_id,
              }),
            }
          : {}),
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
      await requirePipeline(rt, ctx, input.pipelineName);
      await rt.pipelines.lock(ctx.trx, ctx, input.pipelineName);
      const row = await requireExecution(ctx, input.pipelineName, input.pipelineExecutionId);
      const pipeline = await rt.pipelines.declaration(ctx.trx, ctx, row.pipeline_name, row.pipeline_version);
      if (!pipeline) throw pipelineNotFound(input.pipelineName);
      requireStage(pipeline, input.stageName);
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
