import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { requireApplicationRow } from "../applications/rows.js";
import { groupInfo, type StoredDeploymentGroup } from "../groups/rows.js";
import type { LastDeploymentInfo } from "../groups/shapes.js";
import { selects } from "../instances/matching.js";
import type { StoredInstance } from "../instances/rows.js";
import type { Scope } from "../scope.js";
import { createDeploymentRecord } from "./create.js";
import { activeDeploymentOfGroup, parsePlan } from "./rows.js";
import type { DeploymentRuntime } from "./runtime.js";

/**
 * Late joiners: an instance that a deployment group's tags select, but that was not a target of
 * the group's last successful deployment nor of any deployment since, is brought up to date by a
 * deployment of that revision to it alone — created by `CodeDeployAutoUpdate`, as AWS does for
 * instances it finds outdated. It runs when the instance's agent polls for work, so only an agent
 * that is really there gets one, and only once: a catch-up that fails is not retried by itself (the
 * group's next deployment takes the instance first, as it takes every instance left failed).
 *
 * On AWS this is what happens to an Auto Scaling group's new instances; on-premises instances get
 * nothing until the next deployment. Here a new machine joining a fleet is served like an Auto
 * Scaling instance, which is what running your own fleet needs.
 */
export async function catchUpInstance(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  scope: Scope,
  instance: StoredInstance,
): Promise<string[]> {
  const groups = await trx
    .selectFrom("codedeploy_deployment_groups")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("last_successful", "is not", null)
    .execute();
  const started: string[] = [];
  for (const row of groups) {
    const settings = groupInfo({ name: "" }, row);
    const match = {
      tagFilters: settings.onPremisesInstanceTagFilters,
      tagSet: settings.onPremisesTagSet?.onPremisesTagSetList,
    };
    if (!match.tagFilters?.length && !match.tagSet?.length) continue;
    if (!selects(instance.tags, match)) continue;
    const last = JSON.parse(row.last_successful!) as LastDeploymentInfo;
    const lastRow = await trx
      .selectFrom("codedeploy_deployments")
      .selectAll()
      .where("deployment_id", "=", last.deploymentId)
      .executeTakeFirst();
    if (!lastRow) continue;
    const seen = await trx
      .selectFrom("codedeploy_deployment_targets as t")
      .innerJoin("codedeploy_deployments as d", "d.deployment_id", "t.deployment_id")
      .select("t.deployment_id")
      .where("t.account_id", "=", scope.accountId)
      .where("t.region", "=", scope.region)
      .where("t.target_id", "=", instance.instanceName)
      .where("d.deployment_group_id", "=", row.deployment_group_id)
      .where("d.create_time", ">=", lastRow.create_time)
      .limit(1)
      .executeTakeFirst();
    if (seen) continue;
    // A deployment under way may include it; the next poll after it looks again.
    if (await activeDeploymentOfGroup(trx, row.deployment_group_id)) continue;
    const app = await requireApplicationRow(trx, scope, lastRow.application_name);
    const group: StoredDeploymentGroup = {
      applicationId: app.application_id,
      applicationName: app.name,
      deploymentGroupId: row.deployment_group_id,
      deploymentGroupName: row.name,
      info: groupInfo(app, row),
    };
    const plan = parsePlan(lastRow);
    const { previousRevision: _previous, ...rest } = plan;
    const created = await createDeploymentRecord(rt, trx, scope, {
      group,
      deploymentConfigName: lastRow.deployment_config_name,
      creator: "CodeDeployAutoUpdate",
      plan: {
        ...rest,
        description: `Brings ${instance.instanceName} up to date with ${last.deploymentId}`,
        // The one instance is new: no other host's health depends on it.
        minimumHealthyHosts: { type: "HOST_COUNT", value: 0 },
        // Every deployment style installs in place on a late joiner, behind the group's balancer.
        deploymentStyle: { ...plan.deploymentStyle, deploymentType: "IN_PLACE" },
        autoRollbackConfiguration: { enabled: false, events: [] },
      },
      instances: [instance],
    });
    started.push(created.deployment_id);
  }
  return started;
}
