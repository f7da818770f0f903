import { randomInt } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { newUuid } from "../../../core/index.js";
import { afterCommit, type Database } from "../../../platform/store/index.js";
import { COMMAND_TIMEOUT_JOB, hostKey, type DeploymentRuntime } from "../deployments/runtime.js";
import type { TargetRow } from "../deployments/rows.js";

export type HostCommandRow = Selectable<Database["codedeploy_host_commands"]>;

/** The timer that fails a command whose agent went quiet. */
export const commandTimerKey = (id: string) => `${COMMAND_TIMEOUT_JOB}:${id}`;

/**
 * Hands lifecycle event `commandName` of `target` to the instance's agent: a Pending command its
 * next PollHostCommand returns (a waiting long poll is woken once this commits), and a timer for
 * an agent that never picks it up.
 */
export async function createHostCommand(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  target: TargetRow,
  commandName: string,
  now: number,
): Promise<void> {
  const id = newUuid();
  await trx
    .insertInto("codedeploy_host_commands")
    .values({
      host_command_id: id,
      account_id: target.account_id,
      region: target.region,
      instance_name: target.target_id,
      deployment_id: target.deployment_id,
      command_name: commandName,
      status: "Pending",
      nonce: randomInt(1, 2 ** 47),
      created_at: now,
      acknowledged_at: null,
      heartbeat_at: null,
      completed_at: null,
      diagnostics: null,
    })
    .execute();
  await rt.queue.enqueue(trx, {
    kind: COMMAND_TIMEOUT_JOB,
    payload: { hostCommandId: id },
    runAt: now + rt.timeouts.agentMs,
    key: commandTimerKey(id),
  });
  const key = hostKey(target, target.target_id);
  afterCommit(trx, () => rt.hosts.wake(key));
}

/** The oldest command waiting for `instanceName`'s agent. */
export async function nextPendingCommand(
  db: Kysely<Database>,
  scope: { accountId: string; region: string },
  instanceName: string,
): Promise<HostCommandRow | undefined> {
  return db
    .selectFrom("codedeploy_host_commands")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("instance_name", "=", instanceName)
    .where("status", "=", "Pending")
    .orderBy("created_at")
    .limit(1)
    .executeTakeFirst();
}

export async function findHostCommand(
  trx: Kysely<Database>,
  id: string,
  dialect: string,
): Promise<HostCommandRow | undefined> {
  return trx
    .selectFrom("codedeploy_host_commands")
    .selectAll()
    .where("host_command_id", "=", id)
    .$if(dialect === "postgres", (q) => q.forUpdate())
    .executeTakeFirst();
}

/** Ends a command; its timer goes with it. */
export async function endHostCommand(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  id: string,
  status: "Succeeded" | "Failed",
  now: number,
  diagnostics?: string,
): Promise<void> {
  await trx
    .updateTable("codedeploy_host_commands")
    .set({ status, completed_at: now, ...(diagnostics !== undefined ? { diagnostics } : {}) })
    .where("host_command_id", "=", id)
    .execute();
  await rt.queue.cancel(trx, { key: commandTimerKey(id) });
}

/**
 * Cancels what agents still hold of a deployment: their next acknowledgement or heartbeat answers
 * Failed, and the agent stops the hook.
 */
export async function cancelHostCommands(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  deploymentId: string,
  now: number,
): Promise<void> {
  const open = await trx
    .selectFrom("codedeploy_host_commands")
    .select("host_command_id")
    .where("deployment_id", "=", deploymentId)
    .where("status", "in", ["Pending", "InProgress"])
    .execute();
  for (const { host_command_id } of open) await endHostCommand(rt, trx, host_command_id, "Failed", now);
}
