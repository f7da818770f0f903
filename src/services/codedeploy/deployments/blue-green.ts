import type { Kysely } from "kysely";
import { z } from "zod";
import type { JobHandler } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import { advanceDeployment, beginNextEvent, countTargets, finishDeployment } from "./engine.js";
import { deploymentError } from "./errors.js";
import { emitDeploymentEvent } from "./events.js";
import { nextRolloutStep } from "./rollout.js";
import {
  FINAL_DEPLOYMENT_STATUSES,
  lockDeployment,
  parseEvents,
  saveTarget,
  type DeploymentPlan,
  type DeploymentRow,
  type TargetRow,
} from "./rows.js";
import { BLUE_GREEN_WAIT_JOB, type DeploymentRuntime } from "./runtime.js";

/**
 * Blue/green deployments of on-premises instances. The replacement (Green) instances are those the
 * request's `targetInstances` tags select — agents of a new fleet, started beside the old one —
 * and the original (Blue) ones are the group's. Phases, kept in the deployment's `phase`:
 *
 * - `install`: the Green instances install and validate the revision, as many at a time as the
 *   deployment configuration allows; each waits as Ready before its traffic events.
 * - `ready`: with deploymentReadyOption STOP_DEPLOYMENT the deployment is Ready and waits for
 *   ContinueDeployment (READY_WAIT), or stops when the wait is over; otherwise it goes straight on.
 * - `reroute`: every Green instance joins the group's load balancer (BeforeAllowTraffic,
 *   AllowTraffic, AfterAllowTraffic), all at once.
 * - `block`: then every Blue instance leaves it, its requests in flight drained (Before/Block/
 *   AfterBlockTraffic). The group's tags now select the Green instances: the next deployment's
 *   original fleet is this one's replacement.
 * - `terminate`: with terminateBlueInstancesOnDeploymentSuccess TERMINATE, the Blue instances are
 *   deregistered when terminationWaitTimeInMinutes is over, or at ContinueDeployment
 *   (TERMINATION_WAIT); with KEEP_ALIVE (the default here) they stay registered, out of the group.
 *
 * Nothing moves traffic before every Green instance has passed its checks, so a failure before
 * `reroute` leaves the original instances serving as they were.
 */

type Phase = "install" | "ready" | "reroute" | "block" | "terminate";

async function setPhase(
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  phase: Phase,
  status = "InProgress",
): Promise<DeploymentRow> {
  await trx
    .updateTable("codedeploy_deployments")
    .set({ phase, status })
    .where("deployment_id", "=", deployment.deployment_id)
    .execute();
  return { ...deployment, phase, status };
}

/** Starts `targets` at once: all marked InProgress first, then each handed its next event. */
async function startAll(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  targets: TargetRow[],
): Promise<void> {
  const now = rt.clock.now();
  const started: TargetRow[] = [];
  for (const t of targets) started.push(await saveTarget(trx, t, "InProgress", parseEvents(t), now));
  for (const t of started) await beginNextEvent(rt, trx, deployment, t);
}

/** The blue/green counterpart of advanceDeployment: moves the deployment through its phases. */
export async function advanceBlueGreen(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  plan: DeploymentPlan,
  targets: TargetRow[],
): Promise<void> {
  const green = targets.filter((t) => t.label === "Green");
  const blue = targets.filter((t) => t.label === "Blue");
  const config = plan.blueGreenDeploymentConfiguration as BlueGreenConfiguration | undefined;
  switch (deployment.phase as Phase) {
    case "install": {
      const step = nextRolloutStep(plan.minimumHealthyHosts, countTargets(green));
      if (step.kind === "start") {
        const pending = green.filter((t) => t.status === "Pending").slice(0, step.count);
        for (const t of pending) await startAll(rt, trx, deployment, [t]);
        return;
      }
      if (step.kind === "fail") {
        await finishDeployment(rt, trx, deployment, "Failed", {
          code: "HEALTH_CONSTRAINTS",
          message: step.message,
        });
        return;
      }
      if (step.kind === "wait") return;
      const ready = config?.deploymentReadyOption;
      if (ready?.actionOnTimeout === "STOP_DEPLOYMENT") {
        const waiting = await setPhase(trx, deployment, "ready", "Ready");
        await rt.queue.enqueue(trx, {
          kind: BLUE_GREEN_WAIT_JOB,
          payload: { deploymentId: deployment.deployment_id, waitType: "READY_WAIT" },
          runAt: rt.clock.now() + (ready.waitTimeInMinutes ?? 0) * 60_000,
        });
        await emitDeploymentEvent(rt.bus, trx, waiting, "READY");
        return;
      }
      await reroute(rt, trx, deployment);
      return;
    }
    case "reroute": {
      if (green.some((t) => t.status === "Ready")) {
        await startAll(
          rt,
          trx,
          deployment,
          green.filter((t) => t.status === "Ready"),
        );
        return;
      }
      if (green.some((t) => t.status === "InProgress")) return;
      const failed = green.filter((t) => t.status !== "Succeeded");
      if (failed.length) {
        await finishDeployment(rt, trx, deployment, "Failed", {
          code: "HEALTH_CONSTRAINTS",
          message: `The replacement instances ${failed.map((t) => t.target_id).join(", ")} could not take traffic; the original instances keep it.`,
        });
        return;
      }
      const blocking = await setPhase(trx, deployment, "block");
      await retargetGroup(trx, deployment, plan);
      const pending = blue.filter((t) => t.status === "Pending");
      if (pending.length) await startAll(rt, trx, blocking, pending);
      else await advanceBlueGreen(rt, trx, blocking, plan, targets);
      return;
    }
    case "block": {
      if (blue.some((t) => t.status === "Pending" || t.status === "InProgress")) return;
      const failed = blue.filter((t) => t.status !== "Succeeded");
      if (failed.length) {
        await finishDeployment(rt, trx, deployment, "Failed", {
          code: "HEALTH_CONSTRAINTS",
          message: `The original instances ${failed.map((t) => t.target_id).join(", ")} could not be taken out of the load balancer; the replacement instances take traffic too.`,
        });
        return;
      }
      const termination = config?.terminateBlueInstancesOnDeploymentSuccess;
      if (termination?.action === "TERMINATE" && blue.length > 0) {
        await setPhase(trx, deployment, "terminate");
        await rt.queue.enqueue(trx, {
          kind: BLUE_GREEN_WAIT_JOB,
          payload: { deploymentId: deployment.deployment_id, waitType: "TERMINATION_WAIT" },
          runAt: rt.clock.now() + (termination.terminationWaitTimeInMinutes ?? 0) * 60_000,
        });
        return;
      }
      await finishDeployment(rt, trx, deployment, "Succeeded");
      return;
    }
    default:
      return;
  }
}

interface BlueGreenConfiguration {
  terminateBlueInstancesOnDeploymentSuccess?: { action?: string; terminationWaitTimeInMinutes?: number };
  deploymentReadyOption?: { actionOnTimeout?: string; waitTimeInMinutes?: number };
}

/** Traffic goes to the replacement instances now (also ContinueDeployment's READY_WAIT). */
async function reroute(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
): Promise<void> {
  await setPhase(trx, deployment, "reroute");
  await advanceDeployment(rt, trx, deployment.deployment_id);
}

/** The group's tags become the replacement fleet's: its instances are the group's from now on. */
async function retargetGroup(
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  plan: DeploymentPlan,
): Promise<void> {
  const target = plan.targetInstances as
    { tagFilters?: unknown[]; ec2TagSet?: { ec2TagSetList?: unknown[][] } } | undefined;
  const row = await trx
    .selectFrom("codedeploy_deployment_groups")
    .select("info")
    .where("deployment_group_id", "=", deployment.deployment_group_id)
    .executeTakeFirst();
  if (!row || !target) return;
  const info = JSON.parse(row.info) as Record<string, unknown>;
  info["onPremisesInstanceTagFilters"] = target.tagFilters ?? [];
  if (target.ec2TagSet?.ec2TagSetList?.length) {
    info["onPremisesTagSet"] = { onPremisesTagSetList: target.ec2TagSet.ec2TagSetList };
  } else delete info["onPremisesTagSet"];
  await trx
    .updateTable("codedeploy_deployment_groups")
    .set({ info: JSON.stringify(info) })
    .where("deployment_group_id", "=", deployment.deployment_group_id)
    .execute();
}

/** The original instances are released: deregistered, as terminating them would on AWS. */
async function terminateOriginal(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
): Promise<void> {
  const blue = await trx
    .selectFrom("codedeploy_deployment_targets")
    .select("target_id")
    .where("deployment_id", "=", deployment.deployment_id)
    .where("label", "=", "Blue")
    .execute();
  if (blue.length) {
    await trx
      .updateTable("codedeploy_instances")
      .set({ deregister_time: rt.clock.now() })
      .where("account_id", "=", deployment.account_id)
      .where("region", "=", deployment.region)
      .where(
        "name",
        "in",
        blue.map((b) => b.target_id),
      )
      .where("deregister_time", "is", null)
      .execute();
  }
  await finishDeployment(rt, trx, deployment, "Succeeded");
}

const WaitPayload = z.object({
  deploymentId: z.string(),
  waitType: z.enum(["READY_WAIT", "TERMINATION_WAIT"]),
});

/**
 * The end of a wait: a deployment still Ready when its wait is over stops (nothing was moved:
 * the original instances keep the traffic); one still waiting to release its original instances
 * releases them.
 */
export function createBlueGreenWaitHandler(rt: DeploymentRuntime): JobHandler {
  return async (job) => {
    const { deploymentId, waitType } = WaitPayload.parse(job.payload);
    await rt.store.transaction(async (trx) => {
      const deployment = await lockDeployment(trx, deploymentId, rt.store.dialect);
      if (!deployment || FINAL_DEPLOYMENT_STATUSES.has(deployment.status)) return;
      if (waitType === "READY_WAIT" && deployment.phase === "ready") {
        await finishDeployment(
          rt,
          trx,
          deployment,
          "Stopped",
          {
            code: "TIMEOUT",
            message:
              "The deployment was stopped: nobody rerouted traffic to the replacement instances (ContinueDeployment) within the deployment group's deploymentReadyOption wait time. The original instances keep the traffic.",
          },
          { rollback: false },
        );
      }
      if (waitType === "TERMINATION_WAIT" && deployment.phase === "terminate") {
        await terminateOriginal(rt, trx, deployment);
      }
    });
  };
}

/** ContinueDeployment: reroute now (READY_WAIT), or release the original instances now (TERMINATION_WAIT). */
export async function continueBlueGreen(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  plan: DeploymentPlan,
  waitType: "READY_WAIT" | "TERMINATION_WAIT",
): Promise<void> {
  if (FINAL_DEPLOYMENT_STATUSES.has(deployment.status)) {
    throw deploymentError(
      "DeploymentAlreadyCompletedException",
      `Deployment ${deployment.deployment_id} has already ended (${deployment.status}).`,
    );
  }
  if (plan.deploymentStyle.deploymentType !== "BLUE_GREEN") {
    throw deploymentError(
      "UnsupportedActionForDeploymentTypeException",
      `Deployment ${deployment.deployment_id} is an in-place deployment: only blue/green deployments wait for ContinueDeployment.`,
    );
  }
  if (waitType === "READY_WAIT") {
    if (deployment.phase !== "ready") {
      throw deploymentError(
        "DeploymentIsNotInReadyStateException",
        `Deployment ${deployment.deployment_id} is not waiting to reroute traffic (its status is ${deployment.status}).`,
      );
    }
    await emitDeploymentEvent(rt.bus, trx, { ...deployment, status: "InProgress" }, "RESUME");
    await reroute(rt, trx, deployment);
    return;
  }
  if (deployment.phase !== "terminate") {
    throw deploymentError(
      "InvalidDeploymentStatusException",
      `Deployment ${deployment.deployment_id} is not waiting to release its original instances; deploymentWaitType TERMINATION_WAIT applies once traffic has moved and the group terminates its original instances.`,
    );
  }
  await terminateOriginal(rt, trx, deployment);
}
