import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { parseEvents, parsePlan, type DeploymentRow, type TargetRow } from "./rows.js";

const date = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? undefined : new Date(Number(ms));

/** Instance counts by status: AWS's `DeploymentOverview`. */
export async function deploymentOverview(trx: Kysely<Database>, deploymentId: string) {
  const rows = await trx
    .selectFrom("codedeploy_deployment_targets")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("deployment_id", "=", deploymentId)
    .groupBy("status")
    .execute();
  const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  for (const r of rows) if (r.status in overview) overview[r.status as keyof typeof overview] = Number(r.n);
  return overview;
}

/** A deployment as GetDeployment returns it (AWS's `DeploymentInfo`). */
export async function renderDeployment(
  trx: Kysely<Database>,
  row: DeploymentRow,
): Promise<Record<string, unknown>> {
  const plan = parsePlan(row);
  return {
    applicationName: row.application_name,
    deploymentGroupName: row.deployment_group_name,
    deploymentConfigName: row.deployment_config_name,
    deploymentId: row.deployment_id,
    ...(plan.previousRevision ? { previousRevision: plan.previousRevision } : {}),
    revision: plan.revision,
    status: row.status,
    ...(row.error_code !== null
      ? { errorInformation: { code: row.error_code, message: row.error_message ?? "" } }
      : {}),
    createTime: date(row.create_time),
    ...(row.start_time !== null ? { startTime: date(row.start_time) } : {}),
    ...(row.complete_time !== null ? { completeTime: date(row.complete_time) } : {}),
    deploymentOverview: await deploymentOverview(trx, row.deployment_id),
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    creator: row.creator,
    ignoreApplicationStopFailures: plan.ignoreApplicationStopFailures,
    ...(plan.autoRollbackConfiguration ? { autoRollbackConfiguration: plan.autoRollbackConfiguration } : {}),
    updateOutdatedInstancesOnly: plan.updateOutdatedInstancesOnly,
    ...(row.rollback_info !== null ? { rollbackInfo: JSON.parse(row.rollback_info) as unknown } : {}),
    deploymentStyle: plan.deploymentStyle,
    ...(plan.targetInstances ? { targetInstances: plan.targetInstances } : {}),
    instanceTerminationWaitTimeStarted: row.phase === "terminate",
    ...(plan.blueGreenDeploymentConfiguration
      ? { blueGreenDeploymentConfiguration: plan.blueGreenDeploymentConfiguration }
      : {}),
    ...(plan.loadBalancerInfo ? { loadBalancerInfo: plan.loadBalancerInfo } : {}),
    ...(plan.fileExistsBehavior !== undefined ? { fileExistsBehavior: plan.fileExistsBehavior } : {}),
    deploymentStatusMessages: [],
    computePlatform: plan.computePlatform,
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    ...(plan.overrideAlarmConfiguration
      ? { overrideAlarmConfiguration: plan.overrideAlarmConfiguration }
      : {}),
  };
}

function renderEvents(target: TargetRow) {
  return parseEvents(target).map((e) => ({
    lifecycleEventName: e.lifecycleEventName,
    status: e.status,
    ...(e.startTime !== undefined ? { startTime: date(e.startTime) } : {}),
    ...(e.endTime !== undefined ? { endTime: date(e.endTime) } : {}),
    ...(e.diagnostics ? { diagnostics: e.diagnostics } : {}),
  }));
}

/** A target as BatchGetDeploymentTargets returns it (AWS's `DeploymentTarget` of an instance). */
export function renderTarget(target: TargetRow): Record<string, unknown> {
  return {
    deploymentTargetType: "InstanceTarget",
    instanceTarget: {
      deploymentId: target.deployment_id,
      targetId: target.target_id,
      targetArn: target.target_arn,
      status: target.status,
      lastUpdatedAt: date(target.last_updated_at),
      lifecycleEvents: renderEvents(target),
      ...(target.label !== null ? { instanceLabel: target.label } : {}),
    },
  };
}

/** A target as BatchGetDeploymentInstances returns it (AWS's deprecated `InstanceSummary`). */
export function renderInstanceSummary(target: TargetRow): Record<string, unknown> {
  return {
    deploymentId: target.deployment_id,
    instanceId: target.target_id,
    status: target.status,
    lastUpdatedAt: date(target.last_updated_at),
    lifecycleEvents: renderEvents(target),
    ...(target.label !== null ? { instanceType: target.label } : {}),
  };
}
