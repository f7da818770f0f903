import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../../platform/store/index.js";
import { awsInt, awsString, decodePageToken, encodePageToken, operation } from "../../kit/index.js";
import { invalidNextToken } from "../errors.js";
import {
  actionsOf,
  firstActionsOf,
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

/** Where ListPipelineExecutions resumes: below the ordinal of the last execution returned. */
type ExecutionCursor = { readonly o: number };

function isExecutionCursor(p: unknown): p is ExecutionCursor {
  return typeof p === "object" && p !== null && Number.isSafeInteger((p as { o?: unknown }).o);
}

/** How many executions a filtered page looks at before answering (short, with a token, if need be). */
const EXAMINED_PER_PAGE = 1000;

/** The rows of a ListPipelineExecutions request: the scope, filter and resume point. */
interface ExecutionPageRequest {
  scope: { accountId: string; region: string; pipelineName: string };
  below: number | undefined;
  succeededInStage: string | undefined;
  limit: number;
}

/**
 * One page of a pipeline's executions, newest first, read down the ordinal index. With
 * succeededInStage, a page looks at no more than `EXAMINED_PER_PAGE` executions (each filtered by
 * a lookup of its stage row); `floor` is then the last ordinal looked at, where a short page resumes.
 */
async function executionPage(
  trx: Kysely<Database>,
  request: ExecutionPageRequest,
): Promise<{ rows: ExecutionRow[]; floor?: number }> {
  const { scope, below, succeededInStage, limit } = request;
  const base = trx
    .selectFrom("codepipeline_executions as e")
    .where("e.account_id", "=", scope.accountId)
    .where("e.region", "=", scope.region)
    .where("e.pipeline_name", "=", scope.pipelineName)
    .$if(below !== undefined, (q) => q.where("e.ordinal", "<", below!));
  let floor: number | undefined;
  if (succeededInStage !== undefined) {
    const edge = await base
      .select("e.ordinal")
      .orderBy("e.ordinal", "desc")
      .offset(EXAMINED_PER_PAGE - 1)
      .limit(1)
      .executeTakeFirst();
    floor = edge === undefined ? undefined : Number(edge.ordinal);
  }
  const rows = await base
    .selectAll("e")
    .$if(floor !== undefined, (q) => q.where("e.ordinal", ">=", floor!))
    .$if(succeededInStage !== undefined, (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom("codepipeline_stage_executions as s")
            .select("s.execution_id")
            .whereRef("s.execution_id", "=", "e.execution_id")
            .where("s.stage_name", "=", succeededInStage!)
            .where("s.status", "=", "Succeeded"),
        ),
      ),
    )
    .orderBy("e.ordinal", "desc")
    .limit(limit + 1)
    .execute();
  return { rows, ...(floor !== undefined ? { floor } : {}) };
}

/** ListPipelineExecutions: newest first, a page resuming below the last one returned (or looked at). */
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
      const after = decodePageToken(input.nextToken, listing, isExecutionCursor, invalidNextToken);
      const limit = input.maxResults ?? 100;
      const { rows, floor } = await executionPage(ctx.trx, {
        scope: { accountId: ctx.accountId, region: ctx.region, pipelineName: input.pipelineName },
        below: after?.o,
        succeededInStage: input.filter?.succeededInStage?.stageName,
        limit,
      });
      const page = rows.slice(0, limit);
      const summaries = [];
      for (const row of page) {
        const actions = await firstActionsOf(ctx.trx, row.execution_id);
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
      // A full page resumes below its last execution; a short filtered one below what it looked at.
      const resume = rows.length > limit ? Number(page.at(-1)!.ordinal) : floor;
      return {
        pipelineExecutionSummaries: summaries,
        ...(resume !== undefined ? { nextToken: encodePageToken(listing, { o: resume }) } : {}),
      };
    },
  });
}
