import type { Kysely } from "kysely";
import { z } from "zod";
import { parseArn } from "../../../core/index.js";
import type { BusEvent } from "../../../platform/bus/index.js";
import type { Job } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import { ActionFailure, type ActionResult } from "../providers/types.js";
import { enqueueAdvance } from "./wake.js";
import { emitActionEvent } from "./events.js";
import { findExecution, inputOf, type ActionOutputDoc, type ActionRow } from "./rows.js";
import type { BuildOutcome } from "../../codebuild/index.js";
import type { ExecutionRuntime } from "./runtime.js";

/**
 * Running actions: the `codepipeline.action` job runs a provider (or starts a build) for one
 * action execution, and whatever ends an action — the provider returning, a build's state change,
 * an approval, its timeout — goes through `finishAction`, which records the outcome once and wakes
 * the engine.
 */

const ActionPayload = z.object({ actionExecutionId: z.string() });

/** How an action ended. */
export type ActionOutcome =
  | { status: "Succeeded"; result: ActionResult; outputVariables?: Record<string, string> }
  | { status: "Failed"; code: string; message: string; result?: ActionResult }
  | { status: "Abandoned"; message: string };

async function findAction(trx: Kysely<Database>, id: string): Promise<ActionRow | undefined> {
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
  await enqueueAdvance(rt, trx, row.execution_id);
  return true;
}

/** The `codepipeline.action` job: runs one action execution. */
export function createActionHandler(rt: ExecutionRuntime) {
  return async (job: Job, signal: AbortSignal): Promise<void> => {
    const { actionExecutionId } = ActionPayload.parse(job.payload);
    const row = await findAction(rt.store.db, actionExecutionId);
    if (!row || row.status !== "InProgress") return;
    const [category, owner, provider] = row.action_type.split("/");
    if ((category === "Build" || category === "Test") && owner === "AWS" && provider === "CodeBuild") {
      await startBuildAction(rt, row);
      return;
    }
    const outcome = await runProvider(rt, row, signal);
    await rt.store.transaction((trx) => finishAction(rt, trx, actionExecutionId, outcome));
  };
}

/** Runs a provider that finishes within its job; its failure, or a crash of it, fails the action. */
async function runProvider(
  rt: ExecutionRuntime,
  row: ActionRow,
  signal: AbortSignal,
): Promise<ActionOutcome> {
  const provider = rt.providers[row.action_type];
  if (!provider) {
    return {
      status: "Failed",
      code: "ConfigurationError",
      message: `Action type ${row.action_type} is not available on this server.`,
    };
  }
  const input = inputOf(row);
  const execution = await findExecution(rt.store.db, row.execution_id);
  const overrides = JSON.parse(execution?.source_revisions ?? "[]") as Array<{
    actionName: string;
    revisionValue: string;
  }>;
  const sourceRevision = overrides.find((o) => o.actionName === row.action_name)?.revisionValue;
  try {
    const result = await provider.run({
      accountId: row.account_id,
      region: input.region,
      pipelineName: row.pipeline_name,
      executionId: row.execution_id,
      actionExecutionId: row.action_execution_id,
      stageName: row.stage_name,
      actionName: row.action_name,
      configuration: input.resolvedConfiguration,
      inputArtifacts: input.inputArtifacts,
      outputArtifacts: input.outputArtifacts,
      ...(sourceRevision !== undefined ? { sourceRevision } : {}),
      signal,
    });
    return { status: "Succeeded", result };
  } catch (e) {
    if (e instanceof ActionFailure) return { status: "Failed", code: e.code, message: e.message };
    rt.logger.error(
      { actionExecutionId: row.action_execution_id, err: e },
      "codepipeline action failed unexpectedly",
    );
    return {
      status: "Failed",
      code: "SystemUnavailable",
      message: "The action failed on this server; its log says why.",
    };
  }
}

/**
 * Build and Test actions start a build (the action execution's id is the build's idempotency
 * token, so a job run twice starts one build) and end with it: `onBuildStateChange` below, or
 * here when the build was over before its id was recorded.
 */
async function startBuildAction(rt: ExecutionRuntime, row: ActionRow): Promise<void> {
  const input = inputOf(row);
  const fail = (message: string) =>
    rt.store.transaction((trx) =>
      finishAction(rt, trx, row.action_execution_id, {
        status: "Failed",
        code: "ConfigurationError",
        message,
      }),
    );
  if (!rt.builds) return void (await fail("CodeBuild is not available on this server."));
  const config = input.resolvedConfiguration;
  const projectName = config["ProjectName"];
  if (!projectName) return void (await fail('The action\'s configuration has no "ProjectName".'));
  let env: Array<{
    name: string;
    value: string;
    type?: "PLAINTEXT" | "PARAMETER_STORE" | "SECRETS_MANAGER";
  }> = [];
  if (config["EnvironmentVariables"]) {
    try {
      env = z
        .array(
          z.object({
            name: z.string().min(1),
            value: z.string(),
            type: z.enum(["PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER"]).optional(),
          }),
        )
        .parse(JSON.parse(config["EnvironmentVariables"]));
    } catch {
      return void (await fail(
        'EnvironmentVariables is not a JSON list of {"name", "value", "type"} objects, e.g. [{"name":"STAGE","value":"prod","type":"PLAINTEXT"}].',
      ));
    }
  }
  let buildId: string;
  try {
    buildId = await rt.builds.startBuildFor({
      accountId: row.account_id,
      region: input.region,
      projectName,
      initiator: `codepipeline/${row.pipeline_name}`,
      idempotencyToken: row.action_execution_id,
      pipeline: {
        pipelineName: row.pipeline_name,
        inputs: input.inputArtifacts,
        outputs: input.outputArtifacts,
        ...(config["PrimarySource"] ? { primarySource: config["PrimarySource"] } : {}),
      },
      ...(env.length ? { environmentVariablesOverride: env } : {}),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return void (await fail(`CodeBuild did not start a build of project "${projectName}": ${message}`));
  }
  await rt.store.transaction(async (trx) => {
    const scope = { accountId: row.account_id, region: input.region };
    const outcome = await rt.builds!.buildOutcome(trx, scope, buildId);
    if (outcome && outcome.initiator !== `codepipeline/${row.pipeline_name}`) {
      // Someone's StartBuild took this action's idempotency token first: never take its result.
      await finishAction(rt, trx, row.action_execution_id, {
        status: "Failed",
        code: "JobFailed",
        message: `Build ${buildId} was not started by this pipeline (its idempotency token was used by another StartBuild); retry the stage.`,
      });
      return;
    }
    await trx
      .updateTable("codepipeline_action_executions")
      .set({
        external_execution_id: buildId,
        external_execution_url: outcome?.logsDeepLink ?? null,
        updated_at: rt.clock.now(),
      })
      .where("action_execution_id", "=", row.action_execution_id)
      .where("status", "=", "InProgress")
      .execute();
    if (outcome?.complete) await finishAction(rt, trx, row.action_execution_id, buildActionOutcome(outcome));
  });
}

/** A finished build as its action's outcome: exported variables become output variables. */
function buildActionOutcome(outcome: BuildOutcome): ActionOutcome {
  const outputVariables = Object.fromEntries(
    outcome.exportedEnvironmentVariables.map((v) => [v.name, v.value]),
  );
  const result: ActionResult = {
    outputVariables,
    externalExecutionId: outcome.id,
    externalExecutionUrl: outcome.logsDeepLink,
  };
  if (outcome.status === "SUCCEEDED")
    return { status: "Succeeded", result: { ...result, summary: `Build ${outcome.id} succeeded.` } };
  return {
    status: "Failed",
    code: "JobFailed",
    message: `Build ${outcome.id} ended ${outcome.status}${outcome.failure ? `: ${outcome.failure}` : "."}`,
    result,
  };
}

/**
 * Bus subscriber: a pipeline's build ended, so its action does. The build carries its action
 * execution's id as idempotency token (and only a pipeline can make a build whose initiator is
 * `codepipeline/<name>`), so the action is found even before its job recorded the build's id.
 */
export function createBuildStateHandler(rt: ExecutionRuntime) {
  return async (event: BusEvent): Promise<void> => {
    const arn = typeof event.detail["build-id"] === "string" ? event.detail["build-id"] : "";
    const buildId = parseArn(arn)?.resource.replace(/^build\//, "");
    const builds = rt.builds;
    if (!buildId || !builds) return;
    await rt.store.transaction(async (trx) => {
      const outcome = await builds.buildOutcome(
        trx,
        { accountId: event.account, region: event.region },
        buildId,
      );
      if (!outcome?.complete || !outcome.idempotencyToken) return;
      const row = await trx
        .selectFrom("codepipeline_action_executions")
        .select(["action_execution_id", "pipeline_name", "external_execution_id"])
        .where("action_execution_id", "=", outcome.idempotencyToken)
        .where("account_id", "=", event.account)
        .where("status", "=", "InProgress")
        .executeTakeFirst();
      if (!row || outcome.initiator !== `codepipeline/${row.pipeline_name}`) return;
      if (row.external_execution_id !== null && row.external_execution_id !== outcome.id) return;
      await finishAction(rt, trx, row.action_execution_id, buildActionOutcome(outcome));
    });
  };
}

/** The approval timer: an approval nobody answered in time fails. */
export function createApprovalTimeoutHandler(rt: ExecutionRuntime) {
  return async (job: Job): Promise<void> => {
    const { actionExecutionId } = ActionPayload.parse(job.payload);
    await rt.store.transaction((trx) =>
      finishAction(rt, trx, actionExecutionId, {
        status: "Failed",
        code: "JobFailed",
        message: "The approval request expired before anyone approved or rejected it.",
      }),
    );
  };
}
