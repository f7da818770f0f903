import { z } from "zod";
import { awsInt, awsString, decodePageToken, encodePageToken, operation } from "../../kit/index.js";
import { invalidNextToken } from "../errors.js";
import {
  actionsOf,
  inputOf,
  latestAttempts,
  outputOf,
  type ActionRow,
  type ExecutionRow,
  rollbackOf,
} from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";
import { startExecution } from "./start.js";
import {
  ActionName,
  ExecutionId,
  PipelineName,
  requireExecution,
  requirePipeline,
  StageName,
} from "./operation-lookups.js";

/** StartPipelineExecution, GetPipelineExecution and ListPipelineExecutions. */

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
