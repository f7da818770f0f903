import type { Kysely } from "kysely";
import { z } from "zod";
import type { JobHandler } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import { requireDeploymentGroup } from "../groups/rows.js";
import { createDeploymentRecord } from "./create.js";
import { lockDeployment, parsePlan, type DeploymentRow } from "./rows.js";
import type { DeploymentRuntime } from "./runtime.js";

/**
 * Automatic rollback ("Redeploy and roll back a deployment with CodeDeploy"): a new deployment of
 * the group's last successful revision, created by `codeDeployRollback`, the two linked through
 * `rollbackInfo` both ways. Without a successful revision to go back to, the failed deployment
 * says so in its rollbackInfo.
 */
async function rollBack(rt: DeploymentRuntime, trx: Kysely<Database>, failed: DeploymentRow): Promise<void> {
  const scope = { accountId: failed.account_id, region: failed.region };
  const lastGood = await trx
    .selectFrom("codedeploy_deployments")
    .selectAll()
    .where("deployment_group_id", "=", failed.deployment_group_id)
    .where("status", "=", "Succeeded")
    .orderBy("complete_time", "desc")
    .limit(1)
    .executeTakeFirst();
  const note = async (info: Record<string, string>) => {
    await trx
      .updateTable("codedeploy_deployments")
      .set({ rollback_info: JSON.stringify(info) })
      .where("deployment_id", "=", failed.deployment_id)
      .execute();
  };
  if (parsePlan(failed).deploymentStyle.deploymentType === "BLUE_GREEN") {
    // Traffic moves only once every replacement instance has passed its checks; until then the
    // original instances keep it, so there is nothing to redeploy.
    await note({
      rollbackMessage: `Automatic rollback of blue/green deployment ${failed.deployment_id} redeploys nothing: the original instances kept the traffic, which moves only after every replacement instance has passed its checks.`,
    });
    return;
  }
  if (!lastGood) {
    await note({
      rollbackMessage: `Automatic rollback of ${failed.deployment_id} was not done: the deployment group has no successful deployment to go back to.`,
    });
    return;
  }
  const group = await requireDeploymentGroup(
    trx,
    scope,
    failed.application_name,
    failed.deployment_group_name,
  );
  const previousPlan = parsePlan(lastGood);
  const failedPlan = parsePlan(failed);
  const rollback = await createDeploymentRecord(rt, trx, scope, {
    group,
    deploymentConfigName: failed.deployment_config_name,
    creator: "codeDeployRollback",
    plan: {
      ...failedPlan,
      revision: previousPlan.revision,
      previousRevision: failedPlan.revision,
      description: `Rollback of ${failed.deployment_id}`,
      // Never roll back a rollback: a revision that fails twice needs a person.
      autoRollbackConfiguration: { enabled: false, events: [] },
    },
    rollbackInfo: {
      rollbackTriggeringDeploymentId: failed.deployment_id,
      rollbackMessage: `Deployment ${failed.deployment_id} failed; this deployment redeploys ${lastGood.deployment_id}'s revision.`,
    },
  });
  await note({
    rollbackDeploymentId: rollback.deployment_id,
    rollbackMessage: `Rolled back by ${rollback.deployment_id}, which redeploys ${lastGood.deployment_id}'s revision.`,
  });
}

const Payload = z.object({ deploymentId: z.string() });

/** Runs the rollback that a failed or stopped deployment asked for, in one transaction. */
export function createRollbackHandler(rt: DeploymentRuntime): JobHandler {
  return async (job) => {
    const { deploymentId } = Payload.parse(job.payload);
    await rt.store.transaction(async (trx) => {
      const failed = await lockDeployment(trx, deploymentId, rt.store.dialect);
      if (failed && failed.rollback_info === null) await rollBack(rt, trx, failed);
    });
  };
}
