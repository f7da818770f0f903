import { findInstance } from "../instances/rows.js";
import { parseEvents, parsePlan, type DeploymentRow } from "./rows.js";
import { trafficTarget } from "./jobs.js";
import type { DeploymentRuntime } from "./runtime.js";

/** How far back a group's deployments are read to find where each instance's traffic stands. */
const RECENT_DEPLOYMENTS = 50;

/**
 * Start-up: the load balancers of groups with traffic control come back with the instances that
 * were taking traffic when the previous process ended — each instance's most recent traffic event
 * decides: AllowTraffic succeeded, it is in; BlockTraffic started, it is out (a deployment under way
 * resumes from its durable jobs and allows it again when its turn comes). Without this a group's
 * balancer would only return with its next deployment.
 */
export async function restoreTraffic(rt: DeploymentRuntime): Promise<void> {
  const traffic = rt.traffic;
  if (!traffic) return;
  const db = rt.store.db;
  const groups = await db
    .selectFrom("codedeploy_deployment_groups as g")
    .innerJoin("codedeploy_applications as a", "a.application_id", "g.application_id")
    .select(["g.account_id", "g.region", "g.name", "g.info", "a.name as application_name"])
    .execute();
  for (const group of groups) {
    const style = (JSON.parse(group.info) as { deploymentStyle?: { deploymentOption?: string } })
      .deploymentStyle;
    if (style?.deploymentOption !== "WITH_TRAFFIC_CONTROL") continue;
    const deployments = await db
      .selectFrom("codedeploy_deployments")
      .selectAll()
      .where("account_id", "=", group.account_id)
      .where("region", "=", group.region)
      .where("application_name", "=", group.application_name)
      .where("deployment_group_name", "=", group.name)
      .orderBy("create_time", "desc")
      .limit(RECENT_DEPLOYMENTS)
      .execute();
    const decided = new Map<string, { inService: boolean; deployment: DeploymentRow }>();
    for (const deployment of deployments) {
      if (parsePlan(deployment).deploymentStyle.deploymentOption !== "WITH_TRAFFIC_CONTROL") continue;
      const targets = await db
        .selectFrom("codedeploy_deployment_targets")
        .selectAll()
        .where("deployment_id", "=", deployment.deployment_id)
        .execute();
      for (const target of targets) {
        if (decided.has(target.target_id)) continue;
        const events = parseEvents(target);
        const status = (name: string) => events.find((e) => e.lifecycleEventName === name)?.status;
        if (status("AllowTraffic") === "Succeeded") {
          decided.set(target.target_id, { inService: true, deployment });
        } else if (["InProgress", "Succeeded", "Failed"].includes(status("BlockTraffic") ?? "")) {
          decided.set(target.target_id, { inService: false, deployment });
        }
      }
    }
    for (const [instanceName, { inService, deployment }] of decided) {
      if (!inService) continue;
      const instance = await findInstance(
        db,
        { accountId: group.account_id, region: group.region },
        instanceName,
      );
      if (!instance || instance.deregister_time !== null) continue;
      try {
        await traffic.allow(await trafficTarget(db, deployment, instanceName));
      } catch (err) {
        rt.logger.warn(
          { err, instance: instanceName, group: `${group.application_name}/${group.name}` },
          "could not put an instance back behind its deployment group's load balancer",
        );
      }
    }
  }
}
