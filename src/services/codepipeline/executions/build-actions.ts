import { z } from "zod";
import { parseArn } from "../../../core/index.js";
import type { BusEvent } from "../../../platform/bus/index.js";
import type { BuildOutcome } from "../../codebuild/index.js";
import type { ActionResult } from "../providers/types.js";
import { endRuleWithBuild } from "./commands-rule.js";
import { finishAction, type ActionOutcome } from "./finish-action.js";
import { inputOf, type ActionRow } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";

/**
 * Build and Test actions start a build (the action execution's id is the build's idempotency
 * token, so a job run twice starts one build) and end with it: `onBuildStateChange` below, or
 * here when the build was over before its id was recorded.
 */
export async function startBuildAction(rt: ExecutionRuntime, row: ActionRow): Promise<void> {
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
  await recordStartedBuild(rt, row, buildId);
}

/**
 * Records the build an action started as its external execution (id, and its log as URL), and
 * ends the action at once when the build is already over; a build someone else started with the
 * action's token fails it. Build, Test and Commands actions share it.
 */
export async function recordStartedBuild(
  rt: ExecutionRuntime,
  row: ActionRow,
  buildId: string,
): Promise<void> {
  const input = inputOf(row);
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
      if (!row) {
        // Not an action's build: perhaps a Commands rule's.
        await endRuleWithBuild(rt, trx, event.account, {
          ...outcome,
          idempotencyToken: outcome.idempotencyToken,
        });
        return;
      }
      if (outcome.initiator !== `codepipeline/${row.pipeline_name}`) return;
      if (row.external_execution_id !== null && row.external_execution_id !== outcome.id) return;
      await finishAction(rt, trx, row.action_execution_id, buildActionOutcome(outcome));
    });
  };
}
