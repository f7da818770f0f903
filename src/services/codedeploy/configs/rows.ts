import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { deploymentConfigNotFound } from "../errors.js";
import type { Scope } from "../scope.js";
import { builtInConfig } from "./built-ins.js";

export type DeploymentConfigRow = Selectable<Database["codedeploy_deployment_configs"]>;

/** A deployment configuration as deployments read it: how many instances must stay healthy. */
export interface StoredDeploymentConfig {
  deploymentConfigId: string;
  deploymentConfigName: string;
  minimumHealthyHosts: { type: "HOST_COUNT" | "FLEET_PERCENT"; value: number };
  computePlatform: string;
  /** Epoch milliseconds; absent for the built-in configurations. */
  createTime?: number;
  /** As given to CreateDeploymentConfig (Lambda and ECS configurations). */
  trafficRoutingConfig?: unknown;
  zonalConfig?: unknown;
}

/** What the `config` column holds. */
export interface StoredConfigBody {
  minimumHealthyHosts?: { type: "HOST_COUNT" | "FLEET_PERCENT"; value: number };
  trafficRoutingConfig?: unknown;
  zonalConfig?: unknown;
}

export function storedConfig(row: DeploymentConfigRow): StoredDeploymentConfig {
  const body = JSON.parse(row.config) as StoredConfigBody;
  return {
    deploymentConfigId: row.deployment_config_id,
    deploymentConfigName: row.name,
    // Lambda and ECS configurations have none; deployments of Server groups never see those.
    minimumHealthyHosts: body.minimumHealthyHosts ?? { type: "FLEET_PERCENT", value: 0 },
    computePlatform: row.compute_platform,
    createTime: Number(row.created_at),
    ...(body.trafficRoutingConfig !== undefined ? { trafficRoutingConfig: body.trafficRoutingConfig } : {}),
    ...(body.zonalConfig !== undefined ? { zonalConfig: body.zonalConfig } : {}),
  };
}

/** The custom configuration called `name`, or undefined. */
export async function findCustomConfig(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<DeploymentConfigRow | undefined> {
  return trx
    .selectFrom("codedeploy_deployment_configs")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .executeTakeFirst();
}

/** The configuration called `name` (built-in or custom), or undefined. */
export async function findDeploymentConfig(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<StoredDeploymentConfig | undefined> {
  const builtIn = builtInConfig(name);
  if (builtIn) return builtIn;
  const row = await findCustomConfig(trx, scope, name);
  return row ? storedConfig(row) : undefined;
}

/** The configuration called `name` (built-ins included), or DeploymentConfigDoesNotExistException. */
export async function requireDeploymentConfig(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<StoredDeploymentConfig> {
  const found = await findDeploymentConfig(trx, scope, name);
  if (!found) throw deploymentConfigNotFound(name);
  return found;
}
