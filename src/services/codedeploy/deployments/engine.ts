import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { cancelHostCommands, createHostCommand } from "../commands/rows.js";
import { recordGroupDeployment } from "../groups/rows.js";
import { advanceBlueGreen } from "./blue-green.js";
import { emitDeploymentEvent, emitInstanceEvent, emitLifecycleEvent } from "./events.js";
import { SERVER_EVENTS } from "./lifecycle.js";
import { nextRolloutStep, type RolloutCounts } from "./rollout.js";
import {
  FINAL_DEPLOYMENT_STATUSES,
  findDeployment,
  findTarget,
  lockDeployment,
  parseEvents,
  parsePlan,
  saveTarget,
  targetsOf,
  type DeploymentRow,
  type StoredLifecycleEvent,
  type TargetRow,
} from "./rows.js";
import { ROLLBACK_JOB, TRAFFIC_JOB, type DeploymentRuntime } from "./runtime.js";

/**
 * The deployment state machine. Everything here runs inside the transaction of the change that
 * moves it (CreateDeployment, an agent's PutHostCommandComplete, a timer, StopDeployment): an
 * instance's next lifecycle event is handed to its agent in the same commit that records the last
 * one, and the next instances start in the commit that frees room under the minimum healthy hosts.
 */

/** How an event ended. */
export interface EventOutcome {
  status: "Succeeded" | "Failed";
  diagnostics?: StoredLifecycleEvent["diagnostics"];
}

/** Starts instances while the minimum healthy hosts allows it; ends the deployment when it is decided. */
export async function advanceDeployment(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deploymentId: string,
): Promise<void> {
  const deployment = await lockDeployment(trx, deploymentId, rt.store.dialect);
  if (!deployment || FINAL_DEPLOYMENT_STATUSES.has(deployment.status)) return;
  const plan = parsePlan(deployment);
  const targets = await targetsOf(trx, deploymentId);
  if (deployment.phase !== null) {
    await advanceBlueGreen(rt, trx, deployment, plan, targets);
    return;
  }
  const step = nextRolloutStep(plan.minimumHealthyHosts, countTargets(targets));
  if (step.kind === "start") {
    for (const target of targets.filter((t) => t.status === "Pending").slice(0, step.count)) {
      await startTarget(rt, trx, deployment, target);
    }
    return;
  }
  if (step.kind === "succeed") await finishDeployment(rt, trx, deployment, "Succeeded");
  if (step.kind === "fail") {
    await finishDeployment(rt, trx, deployment, "Failed", {
      code: "HEALTH_CONSTRAINTS",
      message: step.message,
    });
  }
}

/** How many targets are in each state; a blue/green replacement instance Ready (installed) counts as succeeded. */
export function countTargets(targets: TargetRow[]): RolloutCounts {
  const counts: RolloutCounts = { pending: 0, inProgress: 0, succeeded: 0, failed: 0 };
  for (const t of targets) {
    if (t.status === "Pending") counts.pending++;
    else if (t.status === "InProgress") counts.inProgress++;
    else if (t.status === "Succeeded" || t.status === "Ready") counts.succeeded++;
    else counts.failed++;
  }
  return counts;
}

async function startTarget(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  target: TargetRow,
): Promise<void> {
  const now = rt.clock.now();
  const started = await saveTarget(trx, target, "InProgress", parseEvents(target), now);
  await emitInstanceEvent(rt.bus, trx, deployment, started, "START");
  await beginNextEvent(rt, trx, deployment, started);
}

/**
 * Hands the instance's next Pending event to whoever runs it: its agent, or the traffic job for
 * the server's own events. With none left, the instance has succeeded. `deployment` is the row
 * its caller locked in this transaction (so its blue/green phase is the current one).
 */
export async function beginNextEvent(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  target: TargetRow,
): Promise<void> {
  const events = parseEvents(target);
  const next = events.find((e) => e.status === "Pending");
  const now = rt.clock.now();
  // Blue/green: a replacement instance that has installed and validated waits for the reroute.
  if (
    target.label === "Green" &&
    deployment.phase === "install" &&
    (!next || next.lifecycleEventName === "BeforeAllowTraffic")
  ) {
    await saveTarget(trx, target, "Ready", events, now);
    await emitInstanceEvent(rt.bus, trx, deployment, target, "READY");
    await advanceDeployment(rt, trx, deployment.deployment_id);
    return;
  }
  if (!next) {
    const done = await saveTarget(trx, target, "Succeeded", events, now);
    await emitInstanceEvent(rt.bus, trx, deployment, done, "SUCCESS");
    await advanceDeployment(rt, trx, deployment.deployment_id);
    return;
  }
  if (SERVER_EVENTS.has(next.lifecycleEventName)) {
    next.status = "InProgress";
    next.startTime = now;
    const saved = await saveTarget(trx, target, "InProgress", events, now);
    await emitLifecycleEvent(rt.bus, trx, deployment, saved, next);
    await rt.queue.enqueue(trx, {
      kind: TRAFFIC_JOB,
      payload: {
        deploymentId: deployment.deployment_id,
        targetId: target.target_id,
        event: next.lifecycleEventName,
      },
    });
    return;
  }
  await createHostCommand(rt, trx, target, next.lifecycleEventName, now);
}

/** Records that an event of an instance has begun (its agent acknowledged the command). */
export async function markEventStarted(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deploymentId: string,
  targetId: string,
  eventName: string,
): Promise<void> {
  const target = await findTarget(trx, deploymentId, targetId);
  if (!target) return;
  const events = parseEvents(target);
  const event = events.find((e) => e.lifecycleEventName === eventName && e.status === "Pending");
  if (!event) return;
  const now = rt.clock.now();
  event.status = "InProgress";
  event.startTime = now;
  const saved = await saveTarget(trx, target, target.status, events, now);
  const deployment = await findDeployment(trx, deploymentId);
  if (deployment) await emitLifecycleEvent(rt.bus, trx, deployment, saved, event);
}

/**
 * Records how an event of an instance ended and moves on: the next event, or — when it failed —
 * the instance has failed and the rollout decides what follows. A failed ApplicationStop does not
 * stop the instance when the deployment ignores ApplicationStop failures.
 */
export async function completeEvent(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deploymentId: string,
  targetId: string,
  eventName: string,
  outcome: EventOutcome,
): Promise<void> {
  const deployment = await lockDeployment(trx, deploymentId, rt.store.dialect);
  if (!deployment || FINAL_DEPLOYMENT_STATUSES.has(deployment.status)) return;
  const target = await findTarget(trx, deploymentId, targetId);
  if (!target || target.status !== "InProgress") return;
  const events = parseEvents(target);
  const event = events.find(
    (e) => e.lifecycleEventName === eventName && (e.status === "Pending" || e.status === "InProgress"),
  );
  if (!event) return;
  const now = rt.clock.now();
  event.startTime ??= now;
  event.endTime = now;
  event.status = outcome.status;
  if (outcome.diagnostics) event.diagnostics = outcome.diagnostics;
  const ignored =
    outcome.status === "Failed" &&
    eventName === "ApplicationStop" &&
    parsePlan(deployment).ignoreApplicationStopFailures;
  if (outcome.status === "Succeeded" || ignored) {
    const saved = await saveTarget(trx, target, "InProgress", events, now);
    await emitLifecycleEvent(rt.bus, trx, deployment, saved, event);
    await beginNextEvent(rt, trx, deployment, saved);
    return;
  }
  for (const e of events) if (e.status === "Pending") e.status = "Skipped";
  const failed = await saveTarget(trx, target, "Failed", events, now);
  await emitLifecycleEvent(rt.bus, trx, deployment, failed, event);
  await emitInstanceEvent(rt.bus, trx, deployment, failed, "FAILURE");
  await advanceDeployment(rt, trx, deploymentId);
}

/** Why a deployment ended, as AWS's `ErrorInformation`. */
export interface DeploymentError {
  code: string;
  message: string;
}

/**
 * Ends a deployment: instances not started are Skipped, those in progress stop (their agents are
 * told at their next report) and count as Failed, so the next deployment reaches them first. The
 * group's last attempted (and last successful) deployment is recorded, and a failed or stopped
 * deployment whose rollback configuration asks for it is rolled back (by a job: see rollback.ts).
 */
export async function finishDeployment(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  status: "Succeeded" | "Failed" | "Stopped",
  error?: DeploymentError,
  options: { rollback?: boolean } = {},
): Promise<void> {
  const now = rt.clock.now();
  await cancelHostCommands(rt, trx, deployment.deployment_id, now);
  const reason =
    status === "Stopped" ? "The deployment was stopped." : "The deployment failed on other instances.";
  for (const target of await targetsOf(trx, deployment.deployment_id)) {
    if (target.status !== "Pending" && target.status !== "InProgress" && target.status !== "Ready") continue;
    const events = parseEvents(target);
    for (const e of events) {
      if (e.status === "InProgress") {
        e.status = "Failed";
        e.endTime = now;
        e.diagnostics = { errorCode: "UnknownError", scriptName: "", message: reason, logTail: "" };
      } else if (e.status === "Pending") e.status = "Skipped";
    }
    // A replacement instance that was Ready never took traffic: its traffic events are skipped.
    const ended = target.status === "InProgress" ? "Failed" : "Skipped";
    await saveTarget(trx, target, ended, events, now);
  }
  const changes = {
    status,
    complete_time: now,
    error_code: error?.code ?? null,
    error_message: error?.message ?? null,
  };
  await trx
    .updateTable("codedeploy_deployments")
    .set(changes)
    .where("deployment_id", "=", deployment.deployment_id)
    .execute();
  const finished = { ...deployment, ...changes };
  const plan = parsePlan(deployment);
  const info = {
    deploymentId: deployment.deployment_id,
    status,
    endTime: now,
    createTime: deployment.create_time,
  };
  await recordGroupDeployment(trx, deployment.deployment_group_id, "lastAttempted", info);
  if (status === "Succeeded") {
    await recordGroupDeployment(trx, deployment.deployment_group_id, "lastSuccessful", info, plan.revision);
  }
  await emitDeploymentEvent(
    rt.bus,
    trx,
    finished,
    status === "Succeeded" ? "SUCCESS" : status === "Stopped" ? "STOP" : "FAILURE",
  );
  const rollbackEvents = plan.autoRollbackConfiguration?.enabled
    ? (plan.autoRollbackConfiguration.events ?? [])
    : [];
  const configured =
    (status === "Failed" && rollbackEvents.includes("DEPLOYMENT_FAILURE")) ||
    (status === "Stopped" && rollbackEvents.includes("DEPLOYMENT_STOP_ON_REQUEST"));
  const wantsRollback = options.rollback ?? configured;
  if (wantsRollback && status !== "Succeeded") {
    await rt.queue.enqueue(trx, {
      kind: ROLLBACK_JOB,
      payload: { deploymentId: deployment.deployment_id },
      key: `${ROLLBACK_JOB}:${deployment.deployment_id}`,
    });
  }
}
