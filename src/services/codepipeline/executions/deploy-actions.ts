import type { Kysely } from "kysely";
import { isServiceError } from "../../../core/index.js";
import type { BusEvent } from "../../../platform/bus/index.js";
import type { Database } from "../../../platform/store/index.js";
import { DEPLOYMENT_EVENT, type DeploymentOutcome } from "../../codedeploy/index.js";
import { inspectInputArtifact } from "../providers/artifacts.js";
import { ActionFailure } from "../providers/types.js";
import { findAction, finishAction, type ActionOutcome } from "./finish-action.js";
import { inputOf, type ActionRow } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";

/**
 * Deploy / AWS / CodeDeploy: the action deploys its input artifact (a zip in the artifact store,
 * with appspec.yml at its root) to the deployment group `DeploymentGroupName` of application
 * `ApplicationName`, and ends with the deployment: `createDeploymentStateHandler` below, on
 * CodeDeploy's state-change event. The deployment is created in the transaction that records it
 * as the action's external execution, so a job run twice never starts a second one.
 */
export async function startDeployAction(rt: ExecutionRuntime, row: ActionRow): Promise<void> {
  const fail = (code: string, message: string) =>
    rt.store.transaction((trx) =>
      finishAction(rt, trx, row.action_execution_id, { status: "Failed", code, message }),
    );
  const deployments = rt.deployments;
  if (!deployments || !rt.artifacts) {
    return void (await fail("ConfigurationError", "CodeDeploy is not available on this server."));
  }
  const input = inputOf(row);
  const config = input.resolvedConfiguration;
  const applicationName = config["ApplicationName"];
  const deploymentGroupName = config["DeploymentGroupName"];
  if (!applicationName || !deploymentGroupName) {
    return void (await fail(
      "ConfigurationError",
      'The action\'s configuration needs "ApplicationName" and "DeploymentGroupName": the CodeDeploy application and deployment group to deploy to.',
    ));
  }
  const artifact = input.inputArtifacts[0];
  if (!artifact)
    return void (await fail("ConfigurationError", "The action has no input artifact to deploy."));
  let eTag: string;
  try {
    eTag = (await inspectInputArtifact(rt.artifacts, artifact, "CodeDeploy")).etag;
  } catch (e) {
    if (e instanceof ActionFailure) return void (await fail(e.code, e.message));
    throw e;
  }
  const scope = { accountId: row.account_id, region: input.region };
  try {
    await rt.store.transaction(async (trx) => {
      const current = await findAction(trx, row.action_execution_id);
      // Ended meanwhile, or a second run of this job: its deployment is already recorded.
      if (current?.status !== "InProgress" || current.external_execution_id !== null) return;
      const deploymentId = await deployments.startDeploymentFor(trx, {
        ...scope,
        applicationName,
        deploymentGroupName,
        revision: { bucket: artifact.bucket, key: artifact.key, bundleType: "zip", eTag },
        description: `Pipeline ${row.pipeline_name}, execution ${row.execution_id}, action ${row.stage_name}/${row.action_name}`,
      });
      await trx
        .updateTable("codepipeline_action_executions")
        .set({
          external_execution_id: deploymentId,
          external_execution_url: deploymentUrl(rt, deploymentId) ?? null,
          updated_at: rt.clock.now(),
        })
        .where("action_execution_id", "=", row.action_execution_id)
        .execute();
      // A deployment can end as it is created (a group without instances).
      const outcome = await deployments.deploymentOutcome(trx, scope, deploymentId);
      if (outcome?.complete)
        await finishAction(rt, trx, row.action_execution_id, deployActionOutcome(rt, outcome));
    });
  } catch (e) {
    if (!isServiceError(e)) throw e;
    // CodeDeploy refused the deployment (no such application or group, one already running…):
    // nothing of it was written, and its message says what is wrong.
    await fail(
      e.code === "DeploymentLimitExceededException" ? "JobFailed" : "ConfigurationError",
      `CodeDeploy did not start a deployment to ${applicationName}/${deploymentGroupName}: ${e.code}: ${e.message}`,
    );
  }
}

/** The deployment's page in this server's console: the action's `externalExecutionUrl`. */
function deploymentUrl(rt: ExecutionRuntime, deploymentId: string): string | undefined {
  return rt.publicUrl
    ? `${rt.publicUrl()}/_/console/codedeploy/deployments/${encodeURIComponent(deploymentId)}`
    : undefined;
}

/** An ended deployment as its action's outcome. */
function deployActionOutcome(rt: ExecutionRuntime, outcome: DeploymentOutcome): ActionOutcome {
  const url = deploymentUrl(rt, outcome.id);
  const result = {
    externalExecutionId: outcome.id,
    ...(url !== undefined ? { externalExecutionUrl: url } : {}),
  };
  if (outcome.status === "Succeeded") {
    return { status: "Succeeded", result: { ...result, summary: `Deployment ${outcome.id} succeeded.` } };
  }
  const why = outcome.error ? ` (${outcome.error.code}): ${outcome.error.message}` : ".";
  const rollback = outcome.rollbackDeploymentId
    ? ` It is being rolled back by deployment ${outcome.rollbackDeploymentId}.`
    : "";
  return {
    status: "Failed",
    code: "JobFailed",
    message: `Deployment ${outcome.id} ended ${outcome.status}${why}${rollback}`,
    result,
  };
}

const FINAL_STATES = new Set(["SUCCESS", "FAILURE", "STOP"]);

/** Whether `event` is a deployment's end, which a pipeline's deploy action may be waiting for. */
export function isDeploymentEnd(event: BusEvent): boolean {
  return (
    event.source === "aws.codedeploy" &&
    event["detail-type"] === DEPLOYMENT_EVENT &&
    FINAL_STATES.has(String(event.detail["state"]))
  );
}

/** Bus subscriber: a deployment ended, so the deploy action that started it does. */
export function createDeploymentStateHandler(rt: ExecutionRuntime) {
  return async (event: BusEvent): Promise<void> => {
    const deploymentId = event.detail["deploymentId"];
    const deployments = rt.deployments;
    if (typeof deploymentId !== "string" || !deployments) return;
    await rt.store.transaction(async (trx) => {
      const action = await actionOfDeployment(trx, event.account, deploymentId);
      if (!action) return;
      const outcome = await deployments.deploymentOutcome(
        trx,
        { accountId: event.account, region: event.region },
        deploymentId,
      );
      if (outcome?.complete) await finishAction(rt, trx, action, deployActionOutcome(rt, outcome));
    });
  };
}

/** The in-progress deploy action whose deployment is `deploymentId`, if any. */
async function actionOfDeployment(
  trx: Kysely<Database>,
  accountId: string,
  deploymentId: string,
): Promise<string | undefined> {
  const row = await trx
    .selectFrom("codepipeline_action_executions")
    .select("action_execution_id")
    .where("external_execution_id", "=", deploymentId)
    .where("account_id", "=", accountId)
    .where("action_type", "=", "Deploy/AWS/CodeDeploy/1")
    .where("status", "=", "InProgress")
    .executeTakeFirst();
  return row?.action_execution_id;
}
