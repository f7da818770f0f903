import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { TargetLabel, DeploymentStyle } from "./lifecycle.js";
import type { MinimumHealthyHosts } from "./rollout.js";
import { deploymentNotFound } from "./errors.js";
import type { RevisionLocation } from "../revisions/shapes.js";

export type { RevisionLocation };

export type DeploymentRow = Selectable<Database["codedeploy_deployments"]>;
export type TargetRow = Selectable<Database["codedeploy_deployment_targets"]>;

type Scope = { accountId: string; region: string };

/** What a deployment was asked to do, fixed when it is created (stored as JSON in `plan`). */
export interface DeploymentPlan {
  revision: RevisionLocation;
  previousRevision?: RevisionLocation;
  description?: string;
  ignoreApplicationStopFailures: boolean;
  autoRollbackConfiguration?: { enabled?: boolean; events?: string[] };
  updateOutdatedInstancesOnly: boolean;
  fileExistsBehavior?: string;
  deploymentStyle: DeploymentStyle;
  targetInstances?: Record<string, unknown>;
  blueGreenDeploymentConfiguration?: Record<string, unknown>;
  loadBalancerInfo?: Record<string, unknown>;
  overrideAlarmConfiguration?: Record<string, unknown>;
  minimumHealthyHosts: MinimumHealthyHosts;
  computePlatform: string;
}

/** A lifecycle event as stored (AWS's `LifecycleEvent`, times in epoch ms). */
export interface StoredLifecycleEvent {
  lifecycleEventName: string;
  status: "Pending" | "InProgress" | "Succeeded" | "Failed" | "Skipped" | "Unknown";
  startTime?: number;
  endTime?: number;
  diagnostics?: { errorCode: string; scriptName: string; message: string; logTail: string };
}

/** Statuses after which nothing changes. */
export const FINAL_DEPLOYMENT_STATUSES: ReadonlySet<string> = new Set(["Succeeded", "Failed", "Stopped"]);

export function parsePlan(row: DeploymentRow): DeploymentPlan {
  return JSON.parse(row.plan) as DeploymentPlan;
}

export function parseEvents(row: TargetRow): StoredLifecycleEvent[] {
  return JSON.parse(row.events) as StoredLifecycleEvent[];
}

/** The deployment `id` of this account and region, or DeploymentDoesNotExistException. */
export async function requireDeployment(
  trx: Kysely<Database>,
  scope: Scope,
  id: string,
  options: { lock?: boolean; dialect?: string } = {},
): Promise<DeploymentRow> {
  const row = await trx
    .selectFrom("codedeploy_deployments")
    .selectAll()
    .where("deployment_id", "=", id)
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .$if(options.lock === true && options.dialect === "postgres", (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw deploymentNotFound(id);
  return row;
}

/** The deployment `id` (any account: for jobs and agents that already hold a valid ID), locked on PostgreSQL. */
export async function lockDeployment(
  trx: Kysely<Database>,
  id: string,
  dialect: string,
): Promise<DeploymentRow | undefined> {
  return findDeployment(trx, id, { lock: dialect === "postgres" });
}

/** The deployment `id` in any account, or undefined; `lock` takes a row lock (PostgreSQL only). */
export async function findDeployment(
  trx: Kysely<Database>,
  id: string,
  options: { lock?: boolean } = {},
): Promise<DeploymentRow | undefined> {
  return trx
    .selectFrom("codedeploy_deployments")
    .selectAll()
    .where("deployment_id", "=", id)
    .$if(options.lock === true, (q) => q.forUpdate())
    .executeTakeFirst();
}

/** Every target of a deployment, in deployment order. */
export async function targetsOf(trx: Kysely<Database>, deploymentId: string): Promise<TargetRow[]> {
  return trx
    .selectFrom("codedeploy_deployment_targets")
    .selectAll()
    .where("deployment_id", "=", deploymentId)
    .orderBy("position")
    .execute();
}

/** One target of a deployment, or undefined. */
export async function findTarget(
  trx: Kysely<Database>,
  deploymentId: string,
  targetId: string,
): Promise<TargetRow | undefined> {
  return trx
    .selectFrom("codedeploy_deployment_targets")
    .selectAll()
    .where("deployment_id", "=", deploymentId)
    .where("target_id", "=", targetId)
    .executeTakeFirst();
}

/** Writes a target's status and events. */
export async function saveTarget(
  trx: Kysely<Database>,
  target: TargetRow,
  status: string,
  events: StoredLifecycleEvent[],
  now: number,
): Promise<TargetRow> {
  const changes = { status, events: JSON.stringify(events), last_updated_at: now };
  await trx
    .updateTable("codedeploy_deployment_targets")
    .set(changes)
    .where("deployment_id", "=", target.deployment_id)
    .where("target_id", "=", target.target_id)
    .execute();
  return { ...target, ...changes };
}

/** A new target row for `instance`, every event Pending. */
export function newTarget(
  deployment: Pick<DeploymentRow, "deployment_id" | "account_id" | "region">,
  instance: { instanceName: string; instanceArn: string },
  position: number,
  events: string[],
  now: number,
  label?: TargetLabel,
): Selectable<Database["codedeploy_deployment_targets"]> {
  return {
    deployment_id: deployment.deployment_id,
    target_id: instance.instanceName,
    account_id: deployment.account_id,
    region: deployment.region,
    target_arn: instance.instanceArn,
    label: label ?? null,
    position,
    status: "Pending",
    events: JSON.stringify(events.map((name) => ({ lifecycleEventName: name, status: "Pending" }))),
    last_updated_at: now,
  };
}

/** The group's deployment that has not finished, if any. */
export async function activeDeploymentOfGroup(
  trx: Kysely<Database>,
  deploymentGroupId: string,
): Promise<DeploymentRow | undefined> {
  return trx
    .selectFrom("codedeploy_deployments")
    .selectAll()
    .where("deployment_group_id", "=", deploymentGroupId)
    .where("status", "in", ["Created", "Queued", "InProgress", "Baking", "Ready"])
    .executeTakeFirst();
}
