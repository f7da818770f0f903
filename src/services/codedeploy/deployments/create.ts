import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { TagFilter } from "../shapes.js";
import { recordGroupDeployment, type StoredDeploymentGroup } from "../groups/rows.js";
import { instancesMatching, type StoredInstance } from "../instances/rows.js";
import { recordRevisionUsed } from "../revisions/rows.js";
import { startAlarmPolling } from "./alarms.js";
import { advanceDeployment, finishDeployment } from "./engine.js";
import { deploymentError } from "./errors.js";
import { emitDeploymentEvent } from "./events.js";
import { lifecycleEventsFor } from "./lifecycle.js";
import { invalidHealthConstraints } from "./rollout.js";
import { activeDeploymentOfGroup, newTarget, type DeploymentPlan, type DeploymentRow } from "./rows.js";
import type { DeploymentRuntime } from "./runtime.js";

type Scope = { accountId: string; region: string };

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** `d-` and nine letters or digits, as AWS's deployment IDs. */
export function newDeploymentId(): string {
  let id = "d-";
  for (let i = 0; i < 9; i++) id += ID_CHARS[randomInt(ID_CHARS.length)];
  return id;
}

/** What a new deployment is, once its group and configuration are known. */
export interface NewDeployment {
  group: StoredDeploymentGroup;
  plan: DeploymentPlan;
  deploymentConfigName: string;
  creator: string;
  externalId?: string;
  rollbackInfo?: Record<string, string>;
  /** The instances to deploy to, instead of all those the group's tags select (catch-up deployments). */
  instances?: StoredInstance[];
}

const NO_INSTANCES =
  "The deployment failed because no instances were found for your deployment group. Check your " +
  "deployment group settings to make sure the tags for your on-premises instances correctly identify " +
  "the instances you want to deploy to (RegisterOnPremisesInstance, AddTagsToOnPremisesInstances), " +
  "and then try again.";

/**
 * Records a deployment and starts it in the caller's transaction: its instances are the group's
 * registered on-premises instances that its tags match, those left failed by the group's previous
 * deployment first. A group whose tags match no instance, or whose minimum healthy hosts cannot be
 * met, gets a deployment that failed at once with AWS's error code, as on AWS.
 */
export async function createDeploymentRecord(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  scope: Scope,
  input: NewDeployment,
): Promise<DeploymentRow> {
  const { group, plan } = input;
  const active = await activeDeploymentOfGroup(trx, group.deploymentGroupId);
  if (active) {
    throw deploymentError(
      "DeploymentLimitExceededException",
      `The deployment group ${group.applicationName}/${group.deploymentGroupName} already has an active ` +
        `deployment (${active.deployment_id}): wait for it to end, or stop it with StopDeployment.`,
    );
  }
  const replacement = await replacementSet(trx, scope, input);
  const now = rt.clock.now();
  const row: DeploymentRow = {
    deployment_id: newDeploymentId(),
    account_id: scope.accountId,
    region: scope.region,
    application_name: group.applicationName,
    deployment_group_name: group.deploymentGroupName,
    deployment_group_id: group.deploymentGroupId,
    deployment_config_name: input.deploymentConfigName,
    status: "InProgress",
    creator: input.creator,
    plan: JSON.stringify(plan),
    error_code: null,
    error_message: null,
    rollback_info: input.rollbackInfo ? JSON.stringify(input.rollbackInfo) : null,
    external_id: input.externalId ?? null,
    create_time: now,
    start_time: now,
    complete_time: null,
    phase: plan.deploymentStyle.deploymentType === "BLUE_GREEN" ? "install" : null,
  };
  await trx.insertInto("codedeploy_deployments").values(row).execute();
  await recordGroupDeployment(trx, group.deploymentGroupId, "lastAttempted", {
    deploymentId: row.deployment_id,
    status: row.status,
    createTime: now,
  });
  await recordRevisionUsed(trx, scope, group.applicationName, plan.revision, now);
  await emitDeploymentEvent(rt.bus, trx, row, "START");

  const selected =
    input.instances ??
    (await instancesMatching(trx, scope, {
      tagFilters: group.info.onPremisesInstanceTagFilters,
      tagSet: group.info.onPremisesTagSet?.onPremisesTagSetList,
    }));
  // In place, the group's instances; blue/green, the replacement ones (the original ones follow).
  const instances = await orderInstances(trx, group, replacement ?? selected);
  if (instances.length === 0) {
    await finishDeployment(
      rt,
      trx,
      row,
      "Failed",
      { code: "NO_INSTANCES", message: replacement ? NO_REPLACEMENT_INSTANCES : NO_INSTANCES },
      { rollback: false },
    );
    return row;
  }
  const invalid = invalidHealthConstraints(plan.minimumHealthyHosts, instances.length);
  if (invalid) {
    await finishDeployment(
      rt,
      trx,
      row,
      "Failed",
      { code: "HEALTH_CONSTRAINTS_INVALID", message: invalid },
      { rollback: false },
    );
    return row;
  }
  if (replacement) {
    const green = new Set(replacement.map((i) => i.instanceName));
    const original = selected.filter((i) => !green.has(i.instanceName));
    await trx
      .insertInto("codedeploy_deployment_targets")
      .values([
        ...instances.map((instance, i) =>
          newTarget(row, instance, i, lifecycleEventsFor(plan.deploymentStyle, "Green"), now, "Green"),
        ),
        ...original.map((instance, i) =>
          newTarget(
            row,
            instance,
            instances.length + i,
            lifecycleEventsFor(plan.deploymentStyle, "Blue"),
            now,
            "Blue",
          ),
        ),
      ])
      .execute();
  } else {
    const events = lifecycleEventsFor(plan.deploymentStyle);
    await trx
      .insertInto("codedeploy_deployment_targets")
      .values(instances.map((instance, i) => newTarget(row, instance, i, events, now)))
      .execute();
  }
  await startAlarmPolling(rt, trx, row, group);
  await advanceDeployment(rt, trx, row.deployment_id);
  return row;
}

const NO_REPLACEMENT_INSTANCES =
  "The deployment failed because no instances were found for its replacement environment: the " +
  "request's targetInstances tags must select registered on-premises instances (the agents of the " +
  "new fleet, started with those tags).";

/**
 * The replacement (green) instances of a blue/green deployment: the on-premises instances the
 * request's `targetInstances` tags select (AWS's DISCOVER_EXISTING green fleet). Undefined in place.
 */
async function replacementSet(
  trx: Kysely<Database>,
  scope: Scope,
  input: NewDeployment,
): Promise<StoredInstance[] | undefined> {
  if (input.instances || input.plan.deploymentStyle.deploymentType !== "BLUE_GREEN") return undefined;
  const target = input.plan.targetInstances as
    | {
        tagFilters?: TagFilter[];
        ec2TagSet?: { ec2TagSetList?: TagFilter[][] };
        autoScalingGroups?: string[];
      }
    | undefined;
  if (target?.autoScalingGroups?.length) {
    throw deploymentError(
      "InvalidTargetInstancesException",
      "targetInstances.autoScalingGroups: there are no Auto Scaling groups here; select the replacement instances by their tags (targetInstances.tagFilters).",
    );
  }
  if (!target?.tagFilters?.length && !target?.ec2TagSet?.ec2TagSetList?.length) {
    throw deploymentError(
      "InvalidTargetInstancesException",
      "A blue/green deployment needs targetInstances.tagFilters (or ec2TagSet) selecting the replacement instances, e.g. [{Key: color, Value: green, Type: KEY_AND_VALUE}].",
    );
  }
  return instancesMatching(trx, scope, {
    ...(target.tagFilters ? { tagFilters: target.tagFilters } : {}),
    ...(target.ec2TagSet?.ec2TagSetList ? { tagSet: target.ec2TagSet.ec2TagSetList } : {}),
  });
}

/** Instances the group's previous deployment left failed first, then by name. */
async function orderInstances(
  trx: Kysely<Database>,
  group: StoredDeploymentGroup,
  instances: StoredInstance[],
): Promise<StoredInstance[]> {
  const previous = await trx
    .selectFrom("codedeploy_deployments")
    .select("deployment_id")
    .where("deployment_group_id", "=", group.deploymentGroupId)
    .where("status", "in", ["Succeeded", "Failed", "Stopped"])
    .orderBy("create_time", "desc")
    .limit(1)
    .executeTakeFirst();
  const failed = new Set<string>();
  if (previous) {
    const rows = await trx
      .selectFrom("codedeploy_deployment_targets")
      .select("target_id")
      .where("deployment_id", "=", previous.deployment_id)
      .where("status", "=", "Failed")
      .execute();
    for (const r of rows) failed.add(r.target_id);
  }
  const byName = [...instances].sort((a, b) =>
    a.instanceName < b.instanceName ? -1 : a.instanceName > b.instanceName ? 1 : 0,
  );
  return [
    ...byName.filter((i) => failed.has(i.instanceName)),
    ...byName.filter((i) => !failed.has(i.instanceName)),
  ];
}
