import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../../platform/store/index.js";
import type { JobHandler } from "../../../platform/queue/index.js";
import { endHostCommand, findHostCommand } from "../commands/rows.js";
import { requireApplicationRow } from "../applications/rows.js";
import { groupInfo, groupTags, requireGroupRow } from "../groups/rows.js";
import { findInstance, storedInstance } from "../instances/rows.js";
import { completeEvent } from "./engine.js";
import { lockDeployment, parsePlan, type DeploymentRow } from "./rows.js";
import { COMMAND_TIMEOUT_JOB, type DeploymentRuntime, type TrafficTarget } from "./runtime.js";

const CommandPayload = z.object({ hostCommandId: z.string() });

/**
 * An agent that went quiet: a command not picked up, or not reported on, for the agent timeout
 * fails its event, naming the instance and what was missing. A command still heard from is
 * checked again when its time would be up.
 */
export function createCommandTimeoutHandler(rt: DeploymentRuntime): JobHandler {
  return async (job) => {
    const { hostCommandId } = CommandPayload.parse(job.payload);
    await rt.store.transaction(async (trx) => {
      const command = await findHostCommand(trx, hostCommandId, rt.store.dialect);
      if (!command || (command.status !== "Pending" && command.status !== "InProgress")) return;
      const last = Math.max(
        Number(command.created_at),
        Number(command.acknowledged_at ?? 0),
        Number(command.heartbeat_at ?? 0),
      );
      const now = rt.clock.now();
      if (now - last < rt.timeouts.agentMs) {
        await rt.queue.enqueue(trx, {
          kind: COMMAND_TIMEOUT_JOB,
          payload: { hostCommandId },
          runAt: last + rt.timeouts.agentMs,
        });
        return;
      }
      const seconds = Math.round(rt.timeouts.agentMs / 1000);
      const message =
        command.status === "Pending"
          ? `The agent on instance ${command.instance_name} did not pick up ${command.command_name} within ${seconds} s: is \`pipewright agent\` running there, with this server's endpoint?`
          : `The agent on instance ${command.instance_name} stopped reporting on ${command.command_name}: nothing heard for ${seconds} s. Is \`pipewright agent\` still running there, and can it reach this server?`;
      await endHostCommand(rt, trx, hostCommandId, "Failed", now);
      await completeEvent(rt, trx, command.deployment_id, command.instance_name, command.command_name, {
        status: "Failed",
        diagnostics: { errorCode: "UnknownError", scriptName: "", message, logTail: "" },
      });
    });
  };
}

const TrafficPayload = z.object({
  deploymentId: z.string(),
  targetId: z.string(),
  event: z.enum(["BlockTraffic", "AllowTraffic"]),
});

/** Instance `instanceName` of the deployment's group, as traffic control sees it. */
export async function trafficTarget(
  db: Kysely<Database>,
  deployment: DeploymentRow,
  instanceName: string,
): Promise<TrafficTarget> {
  const scope = { accountId: deployment.account_id, region: deployment.region };
  const app = await requireApplicationRow(db, scope, deployment.application_name);
  const group = await requireGroupRow(db, app, deployment.deployment_group_name);
  const instance = await findInstance(db, scope, instanceName);
  const loadBalancerInfo = parsePlan(deployment).loadBalancerInfo ?? groupInfo(app, group).loadBalancerInfo;
  return {
    ...scope,
    applicationName: deployment.application_name,
    deploymentGroupName: deployment.deployment_group_name,
    deploymentGroupId: deployment.deployment_group_id,
    instanceName,
    tags: instance ? storedInstance(instance).tags : [],
    groupTags: groupTags(group),
    ...(loadBalancerInfo ? { loadBalancerInfo: loadBalancerInfo } : {}),
  };
}

/**
 * BlockTraffic and AllowTraffic, the server's own lifecycle events: the instance leaves (drained)
 * or joins the deployment group's load balancer. Done outside any transaction — draining waits for
 * requests in flight — and recorded after.
 */
export function createTrafficHandler(rt: DeploymentRuntime): JobHandler {
  return async (job) => {
    const { deploymentId, targetId, event } = TrafficPayload.parse(job.payload);
    const deployment = await lockDeployment(rt.store.db, deploymentId, "sqlite");
    if (!deployment) return;
    let failure: string | undefined;
    try {
      if (!rt.traffic) throw new Error("this server runs no load balancer for deployment groups");
      const target = await trafficTarget(rt.store.db, deployment, targetId);
      if (event === "BlockTraffic") await rt.traffic.block(target);
      else await rt.traffic.allow(target);
    } catch (err) {
      failure = (err as Error).message;
    }
    await rt.store.transaction((trx) =>
      completeEvent(rt, trx, deploymentId, targetId, event, {
        status: failure === undefined ? "Succeeded" : "Failed",
        ...(failure !== undefined
          ? {
              diagnostics: {
                errorCode: "UnknownError",
                scriptName: "",
                message: `${event} failed: ${failure}`,
                logTail: "",
              },
            }
          : {}),
      }),
    );
  };
}
