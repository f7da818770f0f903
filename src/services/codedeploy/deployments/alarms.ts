import type { Kysely } from "kysely";
import { z } from "zod";
import type { JobHandler } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import { codedeployError } from "../errors.js";
import { GROUP_LIMITS } from "../groups/checks.js";
import type { StoredDeploymentGroup } from "../groups/rows.js";
import { parseAlarmName } from "./alarm-names.js";
import { finishDeployment } from "./engine.js";
import { FINAL_DEPLOYMENT_STATUSES, lockDeployment, parsePlan, type DeploymentRow } from "./rows.js";
import { ALARM_JOB, type AlarmReading, type DeploymentRuntime } from "./runtime.js";

/**
 * Alarms as health checks ("Monitor deployments with CloudWatch alarms in CodeDeploy"): while a
 * deployment is in progress a job reads its alarms every `alarmPollMs` — the checks their names
 * stand for (alarm-names.ts), run outside any transaction — and records what it found in one that
 * re-reads the deployment. An alarm in ALARM stops the deployment (ALARM_ACTIVE), and so does an
 * alarm whose state cannot be read unless `ignorePollAlarmFailure`; a stop rolls back when the
 * deployment's automatic rollback lists DEPLOYMENT_STOP_ON_ALARM.
 */

/** The alarms a deployment watches: its CreateDeployment override, or else its group's. */
const AlarmConfig = z.object({
  enabled: z.boolean().optional(),
  ignorePollAlarmFailure: z.boolean().optional(),
  alarms: z.array(z.object({ name: z.string().optional() })).optional(),
});

const Payload = z.object({
  deploymentId: z.string(),
  /** The poll's number: its key makes a retried poll schedule the next one only once. */
  poll: z.number().int(),
  ignorePollAlarmFailure: z.boolean(),
  alarms: z.array(z.string()),
});
type Payload = z.output<typeof Payload>;

/**
 * Starts watching a new deployment's alarms, in the transaction that creates it: the first reading
 * is due at once. A rollback deployment watches none (it is what the alarm asked for). An
 * `overrideAlarmConfiguration` that breaks the group rules (more than 10 alarms, unnamed or
 * repeated ones, enabled with none) is refused here, rolling the creation back.
 */
export async function startAlarmPolling(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  group: StoredDeploymentGroup,
): Promise<void> {
  if (deployment.creator === "codeDeployRollback") return;
  const override = parsePlan(deployment).overrideAlarmConfiguration;
  const config = override ? checkedOverride(AlarmConfig.parse(override)) : group.info.alarmConfiguration;
  const names = (config.alarms ?? []).flatMap((a) => (a.name ? [a.name] : []));
  if (!config.enabled || names.length === 0) return;
  await enqueuePoll(rt, trx, {
    deploymentId: deployment.deployment_id,
    poll: 1,
    ignorePollAlarmFailure: config.ignorePollAlarmFailure ?? false,
    alarms: names,
  });
}

function checkedOverride(config: z.output<typeof AlarmConfig>) {
  const alarms = config.alarms ?? [];
  if (alarms.length > GROUP_LIMITS.alarms) {
    throw codedeployError(
      "AlarmsLimitExceededException",
      `overrideAlarmConfiguration.alarms has ${alarms.length} alarms; at most ${GROUP_LIMITS.alarms} are allowed.`,
    );
  }
  const names = new Set<string>();
  for (const [i, alarm] of alarms.entries()) {
    if (!alarm.name || names.has(alarm.name)) {
      throw codedeployError(
        "InvalidAlarmConfigException",
        alarm.name
          ? `overrideAlarmConfiguration names the alarm ${JSON.stringify(alarm.name)} twice.`
          : `overrideAlarmConfiguration.alarms[${i}].name is required.`,
      );
    }
    names.add(alarm.name);
  }
  if (config.enabled && alarms.length === 0) {
    throw codedeployError(
      "InvalidAlarmConfigException",
      "overrideAlarmConfiguration is enabled but names no alarms.",
    );
  }
  return config;
}

async function enqueuePoll(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  payload: Payload,
  runAt?: number,
): Promise<void> {
  await rt.queue.enqueue(trx, {
    kind: ALARM_JOB,
    payload,
    key: `${ALARM_JOB}:${payload.deploymentId}:${payload.poll}`,
    ...(runAt !== undefined ? { runAt } : {}),
  });
}

/** Reads a deployment's alarms, stops it when one calls for it, or schedules the next reading. */
export function createAlarmHandler(rt: DeploymentRuntime): JobHandler {
  return async (job) => {
    const payload = Payload.parse(job.payload);
    const before = await lockDeployment(rt.store.db, payload.deploymentId, "sqlite");
    if (!before || FINAL_DEPLOYMENT_STATUSES.has(before.status)) return;
    const readings = await Promise.all(payload.alarms.map((name) => readAlarm(rt, name)));
    const stop = verdict(payload, readings);
    if (!stop) {
      const ignored = readings.filter((r) => r.reading.state === "UNKNOWN");
      if (ignored.length > 0) {
        rt.logger.warn(
          { deploymentId: payload.deploymentId, alarms: ignored.map((r) => r.name) },
          "alarm state cannot be read; the deployment goes on (ignorePollAlarmFailure)",
        );
      }
    }
    await rt.store.transaction(async (trx) => {
      const deployment = await lockDeployment(trx, payload.deploymentId, rt.store.dialect);
      if (!deployment || FINAL_DEPLOYMENT_STATUSES.has(deployment.status)) return;
      if (!stop) {
        const next = { ...payload, poll: payload.poll + 1 };
        await enqueuePoll(rt, trx, next, rt.clock.now() + rt.timeouts.alarmPollMs);
        return;
      }
      const rollback = parsePlan(deployment).autoRollbackConfiguration;
      await finishDeployment(
        rt,
        trx,
        deployment,
        "Stopped",
        { code: "ALARM_ACTIVE", message: stop },
        {
          rollback:
            rollback?.enabled === true && (rollback.events ?? []).includes("DEPLOYMENT_STOP_ON_ALARM"),
        },
      );
    });
  };
}

interface NamedReading {
  name: string;
  reading: AlarmReading;
}

async function readAlarm(rt: DeploymentRuntime, name: string): Promise<NamedReading> {
  const check = parseAlarmName(name);
  if (check.kind === "unusable") return { name, reading: { state: "UNKNOWN", reason: check.reason } };
  if (!rt.alarms) {
    return { name, reading: { state: "UNKNOWN", reason: "this server runs no alarm checks" } };
  }
  try {
    return { name, reading: await rt.alarms.check(check) };
  } catch (err) {
    return { name, reading: { state: "UNKNOWN", reason: (err as Error).message } };
  }
}

/** Why the deployment stops (ErrorInformation's message), or undefined when it goes on. */
function verdict(payload: Payload, readings: NamedReading[]): string | undefined {
  const active: string[] = [];
  const unread: string[] = [];
  for (const { name, reading } of readings) {
    switch (reading.state) {
      case "OK":
        break;
      case "ALARM":
        active.push(`alarm ${JSON.stringify(name)} is in ALARM: ${reading.reason}`);
        break;
      case "UNKNOWN":
        unread.push(`the state of alarm ${JSON.stringify(name)} cannot be read: ${reading.reason}`);
        break;
    }
  }
  if (active.length > 0) return `The deployment was stopped: ${active.join("; ")}.`;
  if (unread.length > 0 && !payload.ignorePollAlarmFailure) {
    return (
      `The deployment was stopped: ${unread.join("; ")}. ` +
      "Set alarmConfiguration.ignorePollAlarmFailure to true to go on when an alarm cannot be read."
    );
  }
  return undefined;
}
