import type { MinimumHealthyHosts } from "../deployments/rollout.js";
import type { StoredDeploymentConfig } from "./rows.js";

/**
 * The predefined configurations of the EC2/On-Premises compute platform, the same in every account
 * and region (so not stored). AWS documents OneAtATime as "all instances but one kept healthy" and
 * answers GetDeploymentConfig for it with a type outside the model's enum (`MOST_CONCURRENCY`, 1);
 * FLEET_PERCENT 99 is what the API answers here, within the model; deployments use all-but-one
 * itself (see {@link rolloutMinimumOf}).
 */
export const BUILT_IN_CONFIGS: readonly StoredDeploymentConfig[] = [
  {
    deploymentConfigId: "00000000-0000-0000-0000-000000000001",
    deploymentConfigName: "CodeDeployDefault.OneAtATime",
    minimumHealthyHosts: { type: "FLEET_PERCENT", value: 99 },
    computePlatform: "Server",
  },
  {
    deploymentConfigId: "00000000-0000-0000-0000-000000000002",
    deploymentConfigName: "CodeDeployDefault.HalfAtATime",
    minimumHealthyHosts: { type: "FLEET_PERCENT", value: 50 },
    computePlatform: "Server",
  },
  {
    deploymentConfigId: "00000000-0000-0000-0000-000000000003",
    deploymentConfigName: "CodeDeployDefault.AllAtOnce",
    minimumHealthyHosts: { type: "HOST_COUNT", value: 0 },
    computePlatform: "Server",
  },
  // Lambda and ECS applications' defaults: their groups exist here, their deployments do not.
  {
    deploymentConfigId: "00000000-0000-0000-0000-000000000004",
    deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
    minimumHealthyHosts: { type: "FLEET_PERCENT", value: 0 },
    computePlatform: "Lambda",
    trafficRoutingConfig: { type: "AllAtOnce" },
  },
  {
    deploymentConfigId: "00000000-0000-0000-0000-000000000005",
    deploymentConfigName: "CodeDeployDefault.ECSAllAtOnce",
    minimumHealthyHosts: { type: "FLEET_PERCENT", value: 0 },
    computePlatform: "ECS",
    trafficRoutingConfig: { type: "AllAtOnce" },
  },
];

/** The configuration a new deployment group of each compute platform gets when it names none. */
export const DEFAULT_CONFIG: Record<string, string> = {
  Server: "CodeDeployDefault.OneAtATime",
  Lambda: "CodeDeployDefault.LambdaAllAtOnce",
  ECS: "CodeDeployDefault.ECSAllAtOnce",
};

/** The prefix AWS keeps for its own configurations: CreateDeploymentConfig refuses it. */
export const BUILT_IN_PREFIX = "CodeDeployDefault.";

/** The built-in configuration called `name`, or undefined. */
export function builtInConfig(name: string): StoredDeploymentConfig | undefined {
  return BUILT_IN_CONFIGS.find((c) => c.deploymentConfigName === name);
}

/**
 * The minimum healthy hosts a deployment under `config` keeps: OneAtATime's is all instances but
 * one (so the last instance may fail and the deployment still succeed, as AWS documents).
 */
export function rolloutMinimumOf(config: StoredDeploymentConfig): MinimumHealthyHosts {
  return config.deploymentConfigName === "CodeDeployDefault.OneAtATime"
    ? { type: "MOST_CONCURRENCY", value: 1 }
    : config.minimumHealthyHosts;
}
