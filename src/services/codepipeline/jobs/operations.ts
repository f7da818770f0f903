import type { Kysely } from "kysely";
import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { awsInt, awsString, operation, type OperationContext } from "../../kit/index.js";
import { actionTypeCatalogue, actionTypeName } from "../action-types/catalogue.js";
import type { CodePipelineRuntime } from "../deps.js";
import { codepipelineError } from "../errors.js";
import { finishAction } from "../executions/actions.js";
import { ActionTypeId } from "../pipelines/shapes.js";
import { queueJob, type JobRow } from "./rows.js";

// Custom actions' job workers, as on AWS: a worker polls for the jobs of its action type, takes
// one by acknowledging it with the nonce it was given, reads its details, and reports success
// (optionally with a continuation token: the action goes on, as a new job) or failure.

const JobId = z.string().regex(/^[0-9a-f-]{36}$/, "Member must be a job ID (what PollForJobs returns)");

function jobShape(row: JobRow) {
  return { id: row.job_id, data: JSON.parse(row.data) as Record<string, unknown>, accountId: row.account_id };
}

/** The caller's job, or JobNotFoundException. */
async function requireJob(ctx: OperationContext, jobId: string): Promise<JobRow> {
  const row = await ctx.trx
    .selectFrom("codepipeline_jobs")
    .selectAll()
    .where("job_id", "=", jobId)
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .executeTakeFirst();
  if (!row)
    throw codepipelineError("JobNotFoundException", `There is no job ${jobId} in this account and region.`);
  return row;
}

/** A job a worker has taken and not yet reported on, or InvalidJobStateException. */
function requireRunning(row: JobRow): void {
  if (row.status !== "Dispatched" && row.status !== "InProgress") {
    throw codepipelineError(
      "InvalidJobStateException",
      `Job ${row.job_id} is ${row.status}; only a job a worker has taken (Dispatched or InProgress) can be reported on.`,
    );
  }
}

async function setStatus(trx: Kysely<Database>, row: JobRow, status: string, now: number): Promise<void> {
  await trx
    .updateTable("codepipeline_jobs")
    .set({ status, updated_at: now })
    .where("job_id", "=", row.job_id)
    .execute();
}

/** PollForJobs: queued jobs of one Custom action type, handed to the caller with a nonce each. */
export function pollForJobs(rt: CodePipelineRuntime) {
  return operation({
    name: "PollForJobs",
    input: z.object({
      actionTypeId: ActionTypeId,
      maxBatchSize: awsInt(1, 100).optional(),
      queryParam: z.record(z.string(), z.string()).optional(),
    }),
    handler: async (input, ctx) => {
      const type = await actionTypeCatalogue(ctx.trx, ctx).find(input.actionTypeId);
      if (!type || input.actionTypeId.owner !== "Custom") {
        throw codepipelineError(
          "ActionTypeNotFoundException",
          `Custom action type ${actionTypeName(input.actionTypeId)} does not exist; jobs are polled for custom action types (CreateCustomActionType).`,
        );
      }
      const queryable = type.properties.find((p) => p.queryable)?.name;
      const params = Object.entries(input.queryParam ?? {});
      const unknown = params.find(([name]) => name !== queryable);
      if (unknown) {
        throw codepipelineError(
          "ValidationException",
          `queryParam ${unknown[0]} is not the queryable property of ${actionTypeName(type.id)}` +
            (queryable ? ` (${queryable} is).` : " (it has none)."),
        );
      }
      const candidates = await ctx.trx
        .selectFrom("codepipeline_jobs as j")
        .innerJoin("codepipeline_action_executions as a", "a.action_execution_id", "j.action_execution_id")
        .selectAll("j")
        .where("j.account_id", "=", ctx.accountId)
        .where("j.region", "=", ctx.region)
        .where("j.action_type", "=", actionTypeName(type.id))
        .where("j.status", "=", "Queued")
        // Jobs of actions that ended meanwhile (a stop, an abandon) are not handed out.
        .where("a.status", "=", "InProgress")
        .orderBy("j.created_at")
        .limit(200)
        .execute();
      const wanted = candidates.filter((row) => {
        const configuration =
          (JSON.parse(row.data) as { actionConfiguration?: { configuration?: Record<string, string> } })
            .actionConfiguration?.configuration ?? {};
        return params.every(([name, value]) => configuration[name] === value);
      });
      const now = rt.clock.now();
      const jobs = [];
      for (const row of wanted.slice(0, input.maxBatchSize ?? 1)) {
        const nonce = newUuid();
        const taken = await ctx.trx
          .updateTable("codepipeline_jobs")
          .set({ status: "Dispatched", nonce, updated_at: now })
          .where("job_id", "=", row.job_id)
          .where("status", "=", "Queued")
          .executeTakeFirst();
        // Another worker took it between the read and now.
        if (Number(taken.numUpdatedRows) === 0) continue;
        jobs.push({ ...jobShape(row), nonce });
      }
      return { jobs };
    },
  });
}

/** AcknowledgeJob: the worker that polled a job takes it (the nonce proves which poll). */
export function acknowledgeJob(rt: CodePipelineRuntime) {
  return operation({
    name: "AcknowledgeJob",
    input: z.object({ jobId: JobId, nonce: awsString(1, 50) }),
    handler: async (input, ctx) => {
      const row = await requireJob(ctx, input.jobId);
      if (row.nonce !== input.nonce) {
        throw codepipelineError(
          "InvalidNonceException",
          `The nonce is not the one PollForJobs gave with job ${row.job_id}.`,
        );
      }
      if (row.status === "Dispatched") await setStatus(ctx.trx, row, "InProgress", rt.clock.now());
      return { status: row.status === "Dispatched" ? "InProgress" : row.status };
    },
  });
}

/** GetJobDetails. */
export function getJobDetails(_rt: CodePipelineRuntime) {
  return operation({
    name: "GetJobDetails",
    input: z.object({ jobId: JobId }),
    handler: async (input, ctx) => ({ jobDetails: jobShape(await requireJob(ctx, input.jobId)) }),
  });
}

/** PutJobSuccessResult: the action succeeds — or, with a continuation token, goes on as a new job. */
export function putJobSuccessResult(rt: CodePipelineRuntime) {
  return operation({
    name: "PutJobSuccessResult",
    input: z.object({
      jobId: JobId,
      currentRevision: z
        .object({
          revision: awsString(1, 1500),
          changeIdentifier: awsString(1, 100),
          created: z.date().optional(),
          revisionSummary: awsString(1, 2048).optional(),
        })
        .optional(),
      continuationToken: awsString(1, 2048).optional(),
      executionDetails: z
        .object({
          summary: awsString(1, 2048).optional(),
          externalExecutionId: awsString(1, 1500).optional(),
          percentComplete: awsInt(0, 100).optional(),
        })
        .optional(),
      outputVariables: z.record(z.string(), z.string()).optional(),
    }),
    handler: async (input, ctx) => {
      const row = await requireJob(ctx, input.jobId);
      requireRunning(row);
      const variables = input.outputVariables ?? {};
      if (JSON.stringify(variables).length > 122_880) {
        throw codepipelineError(
          "OutputVariablesSizeExceededException",
          "outputVariables exceed 122,880 characters, the most an action can output.",
        );
      }
      const now = rt.clock.now();
      await setStatus(ctx.trx, row, "Succeeded", now);
      const details = input.executionDetails;
      if (input.continuationToken !== undefined) {
        const data = {
          ...(JSON.parse(row.data) as Record<string, unknown>),
          continuationToken: input.continuationToken,
        };
        await queueJob(ctx.trx, row, data as Parameters<typeof queueJob>[2], now);
        await ctx.trx
          .updateTable("codepipeline_action_executions")
          .set({
            ...(details?.summary !== undefined ? { summary: details.summary } : {}),
            ...(details?.externalExecutionId !== undefined
              ? { external_execution_id: details.externalExecutionId }
              : {}),
            updated_at: now,
          })
          .where("action_execution_id", "=", row.action_execution_id)
          .execute();
        return {};
      }
      const revision = input.currentRevision;
      await finishAction(rt, ctx.trx, row.action_execution_id, {
        status: "Succeeded",
        result: {
          outputVariables: variables,
          ...(details?.summary !== undefined ? { summary: details.summary } : {}),
          ...(details?.externalExecutionId !== undefined
            ? { externalExecutionId: details.externalExecutionId }
            : {}),
          ...(revision
            ? {
                revision: {
                  revisionId: revision.revision,
                  revisionChangeId: revision.changeIdentifier,
                  ...(revision.created ? { created: revision.created } : {}),
                  ...(revision.revisionSummary !== undefined
                    ? { revisionSummary: revision.revisionSummary }
                    : {}),
                },
              }
            : {}),
        },
      });
      return {};
    },
  });
}

/** PutJobFailureResult: the action fails with the worker's reason. */
export function putJobFailureResult(rt: CodePipelineRuntime) {
  return operation({
    name: "PutJobFailureResult",
    input: z.object({
      jobId: JobId,
      failureDetails: z.object({
        type: z.enum([
          "JobFailed",
          "ConfigurationError",
          "PermissionError",
          "RevisionOutOfSync",
          "RevisionUnavailable",
          "SystemUnavailable",
        ]),
        message: awsString(1, 5000),
        externalExecutionId: awsString(1, 1500).optional(),
      }),
    }),
    handler: async (input, ctx) => {
      const row = await requireJob(ctx, input.jobId);
      requireRunning(row);
      await setStatus(ctx.trx, row, "Failed", rt.clock.now());
      const failure = input.failureDetails;
      await finishAction(rt, ctx.trx, row.action_execution_id, {
        status: "Failed",
        code: failure.type,
        message: failure.message,
        ...(failure.externalExecutionId !== undefined
          ? { result: { externalExecutionId: failure.externalExecutionId } }
          : {}),
      });
      return {};
    },
  });
}
