import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../../platform/store/index.js";
import { ServiceError } from "../../../core/index.js";
import { startExecution } from "../executions/start.js";
import { awsInt, awsString, operation, type OperationContext } from "../../kit/index.js";
import { actionTypeName, actionTypeCatalogue, type ActionTypeDefinition } from "../action-types/catalogue.js";
import type { CodePipelineRuntime } from "../deps.js";
import { codepipelineError } from "../errors.js";
import { afterName, checkMaxResults, tokenAfter } from "../pagination.js";
import { checkArtifactBuckets, checkTags } from "./checks.js";
import {
  countPipelines,
  declarationOf,
  findPipeline,
  findVersion,
  insertVersion,
  MAX_PIPELINES_PER_REGION,
  pipelineArn,
  requirePipeline,
  type PipelineRow,
} from "./rows.js";
import { PipelineDeclarationShape, PipelineName, TagShape, type PipelineDeclarationInput } from "./shapes.js";
import { checkPipelineStructure, type CheckedPipeline } from "./structure.js";

// Responses carry declarations as stored: each was built from a request that passed
// PipelineDeclarationShape, which keeps only the model's members, so it is AWS's shape by
// construction (and the suite checks every response against the model).

/** Checks a declaration as CreatePipeline and UpdatePipeline do: structure, then artifact buckets. */
async function checkDeclaration(
  rt: CodePipelineRuntime,
  ctx: OperationContext,
  declaration: PipelineDeclarationInput,
  current?: PipelineRow,
): Promise<CheckedPipeline> {
  const catalogue = actionTypeCatalogue(ctx.trx, ctx);
  const actionTypes = new Map<string, ActionTypeDefinition>();
  // Look-ups are per distinct type; the structure check refuses an oversized pipeline before
  // anything else, so a hostile declaration costs one pass over it.
  for (const stage of declaration.stages.slice(0, 51)) {
    for (const action of stage.actions.slice(0, 51)) {
      const key = actionTypeName(action.actionTypeId);
      if (actionTypes.has(key)) continue;
      const found = await catalogue.find(action.actionTypeId);
      if (found) actionTypes.set(key, found);
    }
  }
  const checked = checkPipelineStructure(declaration, {
    region: ctx.region,
    actionTypes,
    known: await catalogue.list(),
    ...(current
      ? { current: { pipelineType: current.pipeline_type, executionMode: current.execution_mode } }
      : {}),
  });
  await checkArtifactBuckets(ctx.trx, rt.artifactBuckets, checked);
  return checked;
}

/** `PipelineMetadata` of a pipeline at one version. */
function metadataOf(row: PipelineRow, versionCreatedAt: number) {
  return {
    pipelineArn: pipelineArn({ accountId: row.account_id, region: row.region }, row.name),
    created: new Date(row.created_at),
    updated: new Date(versionCreatedAt),
  };
}

/** Locks a pipeline row for the rest of the transaction (PostgreSQL; SQLite writes are serial). */
async function lockPipeline(
  rt: CodePipelineRuntime,
  trx: Kysely<Database>,
  ctx: OperationContext,
  name: string,
): Promise<PipelineRow | undefined> {
  let query = trx
    .selectFrom("codepipeline_pipelines")
    .selectAll()
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .where("name", "=", name);
  if (rt.store.dialect === "postgres") query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * CreatePipeline: checks the declaration, stores it as version 1 (whatever `version` it carries)
 * with its tags.
 */
export function createPipeline(rt: CodePipelineRuntime) {
  return operation({
    name: "CreatePipeline",
    input: z.object({ pipeline: PipelineDeclarationShape, tags: z.array(TagShape).optional() }),
    resource: (input, ctx) => pipelineArn(ctx, input.pipeline.name),
    handler: async (input, ctx) => {
      const tags = checkTags(input.tags ?? []);
      const checked = await checkDeclaration(rt, ctx, input.pipeline);
      const name = input.pipeline.name;
      if (await findPipeline(ctx.trx, ctx, name)) {
        throw codepipelineError(
          "PipelineNameInUseException",
          `A pipeline named "${name}" already exists in this account and region; choose another name or update it with UpdatePipeline.`,
        );
      }
      const count = await countPipelines(ctx.trx, ctx);
      if (count >= MAX_PIPELINES_PER_REGION) {
        throw codepipelineError(
          "LimitExceededException",
          `The account has ${count} pipelines in ${ctx.region}, the most it can have (${MAX_PIPELINES_PER_REGION}); delete one first.`,
        );
      }
      const now = rt.clock.now();
      const inserted = await ctx.trx
        .insertInto("codepipeline_pipelines")
        .values({
          account_id: ctx.accountId,
          region: ctx.region,
          name,
          version: 1,
          pipeline_type: checked.pipelineType,
          execution_mode: checked.executionMode,
          tags: JSON.stringify(tags),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(["account_id", "region", "name"]).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        throw codepipelineError("PipelineNameInUseException", `A pipeline named "${name}" already exists.`);
      }
      const declaration = { ...checked.declaration, version: 1 };
      await insertVersion(ctx.trx, ctx, declaration, now);
      // As on AWS, a new pipeline runs once at once. A V2 variable without a default cannot be
      // given here: then the pipeline waits for StartPipelineExecution instead.
      try {
        await startExecution(rt, ctx.trx, ctx, name, {
          trigger: { triggerType: "CreatePipeline", triggerDetail: ctx.principal.arn },
        });
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        rt.logger.info({ pipeline: name, reason: e.message }, "codepipeline: first execution not started");
      }
      return { pipeline: declaration, ...(input.tags !== undefined ? { tags } : {}) };
    },
  });
}

/** GetPipeline: the current version, or the one asked for (every version is kept). */
export function getPipeline(_rt: CodePipelineRuntime) {
  return operation({
    name: "GetPipeline",
    input: z.object({ name: PipelineName, version: awsInt(1, Number.MAX_SAFE_INTEGER).optional() }),
    resource: (input, ctx) => pipelineArn(ctx, input.name),
    handler: async (input, ctx) => {
      const row = await requirePipeline(ctx.trx, ctx, input.name);
      const version = input.version ?? row.version;
      const stored = version <= row.version ? await findVersion(ctx.trx, ctx, row.name, version) : undefined;
      if (!stored) {
        throw codepipelineError(
          "PipelineVersionNotFoundException",
          `Pipeline "${row.name}" has no version ${version}; its versions are 1 to ${row.version}.`,
        );
      }
      return { pipeline: declarationOf(stored), metadata: metadataOf(row, stored.created_at) };
    },
  });
}

/**
 * UpdatePipeline: checks the new declaration and stores it as the next version. The declaration's
 * own `version` is not compared with the current one (AWS does not either: the version is the
 * server's count of updates), so GetPipeline's output, edited, can be sent back as it is.
 */
export function updatePipeline(rt: CodePipelineRuntime) {
  return operation({
    name: "UpdatePipeline",
    input: z.object({ pipeline: PipelineDeclarationShape }),
    resource: (input, ctx) => pipelineArn(ctx, input.pipeline.name),
    handler: async (input, ctx) => {
      const row = await lockPipeline(rt, ctx.trx, ctx, input.pipeline.name);
      if (!row) {
        throw codepipelineError(
          "PipelineNotFoundException",
          `Pipeline "${input.pipeline.name}" does not exist in this account and region; create it with CreatePipeline (a pipeline cannot be renamed by UpdatePipeline).`,
        );
      }
      const checked = await checkDeclaration(rt, ctx, input.pipeline, row);
      const now = rt.clock.now();
      const version = row.version + 1;
      const updated = await ctx.trx
        .updateTable("codepipeline_pipelines")
        .set({
          version,
          pipeline_type: checked.pipelineType,
          execution_mode: checked.executionMode,
          updated_at: now,
        })
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("name", "=", row.name)
        .where("version", "=", row.version)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        throw codepipelineError(
          "ConcurrentModificationException",
          `Pipeline "${row.name}" was changed by another request meanwhile; get it again and retry.`,
        );
      }
      const declaration = { ...checked.declaration, version };
      await insertVersion(ctx.trx, ctx, declaration, now);
      return { pipeline: declaration };
    },
  });
}

/** DeletePipeline: the pipeline and all its versions; a pipeline that does not exist is no error (AWS's model names none). */
export function deletePipeline(_rt: CodePipelineRuntime) {
  return operation({
    name: "DeletePipeline",
    input: z.object({ name: PipelineName }),
    resource: (input, ctx) => pipelineArn(ctx, input.name),
    handler: async (input, ctx) => {
      // Its history goes with it, as on AWS.
      for (const table of [
        "codepipeline_action_executions",
        "codepipeline_stage_executions",
        "codepipeline_executions",
        "codepipeline_transitions",
      ] as const) {
        await ctx.trx
          .deleteFrom(table)
          .where("account_id", "=", ctx.accountId)
          .where("region", "=", ctx.region)
          .where("pipeline_name", "=", input.name)
          .execute();
      }
      await ctx.trx
        .deleteFrom("codepipeline_pipeline_versions")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("name", "=", input.name)
        .execute();
      await ctx.trx
        .deleteFrom("codepipeline_pipelines")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("name", "=", input.name)
        .execute();
      return {};
    },
  });
}

const LIST_PIPELINES = "ListPipelines";

/** ListPipelines: by name, 100 a page unless `maxResults` (1 to 1,000) says otherwise. */
export function listPipelines(_rt: CodePipelineRuntime) {
  return operation({
    name: "ListPipelines",
    input: z.object({ nextToken: awsString(1, 2048).optional(), maxResults: z.number().optional() }),
    handler: async (input, ctx) => {
      const size = checkMaxResults(input.maxResults, 1000, 100);
      const after = afterName(LIST_PIPELINES, input.nextToken);
      const rows = await ctx.trx
        .selectFrom("codepipeline_pipelines")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .$if(after !== undefined, (q) => q.where("name", ">", after!))
        .orderBy("name")
        .limit(size + 1)
        .execute();
      const page = rows.slice(0, size);
      return {
        pipelines: page.map((row) => ({
          name: row.name,
          version: row.version,
          pipelineType: row.pipeline_type,
          executionMode: row.execution_mode,
          created: new Date(row.created_at),
          updated: new Date(row.updated_at),
        })),
        ...(rows.length > size ? { nextToken: tokenAfter(LIST_PIPELINES, page.at(-1)!.name) } : {}),
      };
    },
  });
}
