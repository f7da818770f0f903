import { z } from "zod";
import { formatArn, newUuid } from "../../../core/index.js";
import { operation } from "../../kit/index.js";
import type { CodeDeployRuntime } from "../deps.js";
import { codedeployError, deploymentConfigNotFound } from "../errors.js";
import { checkName, DEPLOYMENT_CONFIG_NAME } from "../names.js";
import { afterName, PAGE_SIZE, tokenAfter } from "../pagination.js";
import type { Scope } from "../scope.js";
import { ComputePlatformShape, NameInput } from "../shapes.js";
import { BUILT_IN_CONFIGS, BUILT_IN_PREFIX, builtInConfig } from "./built-ins.js";
import { checkConfigBody } from "./checks.js";
import { findCustomConfig, findDeploymentConfig, type StoredDeploymentConfig } from "./rows.js";
import { MinimumHealthyHostsShape, TrafficRoutingConfigShape, ZonalConfigShape } from "./shapes.js";

/** The most custom deployment configurations an account can have in a region (AWS's quota). */
export const MAX_CUSTOM_CONFIGS = 50;

/** `arn:aws:codedeploy:<region>:<account>:deploymentconfig:<name>`. */
export function deploymentConfigArn(scope: Scope, name: string): string {
  return formatArn({
    service: "codedeploy",
    region: scope.region,
    accountId: scope.accountId,
    resource: `deploymentconfig:${name}`,
  });
}

/** `DeploymentConfigInfo`, built from its output shape. */
function configInfo(config: StoredDeploymentConfig) {
  return {
    deploymentConfigId: config.deploymentConfigId,
    deploymentConfigName: config.deploymentConfigName,
    ...(config.computePlatform === "Server"
      ? {
          minimumHealthyHosts: {
            type: config.minimumHealthyHosts.type,
            value: config.minimumHealthyHosts.value,
          },
        }
      : {}),
    ...(config.createTime !== undefined ? { createTime: new Date(config.createTime) } : {}),
    computePlatform: config.computePlatform,
    ...(config.trafficRoutingConfig !== undefined
      ? { trafficRoutingConfig: config.trafficRoutingConfig }
      : {}),
    ...(config.zonalConfig !== undefined ? { zonalConfig: config.zonalConfig } : {}),
  };
}

/**
 * CreateDeploymentConfig: a custom configuration. A Server one needs `minimumHealthyHosts`
 * (HOST_COUNT of 0 or more, or FLEET_PERCENT from 0 to 99); names starting `CodeDeployDefault.`
 * are AWS's.
 */
export function createDeploymentConfig(rt: CodeDeployRuntime) {
  return operation({
    name: "CreateDeploymentConfig",
    input: z.object({
      deploymentConfigName: NameInput,
      minimumHealthyHosts: MinimumHealthyHostsShape.optional(),
      trafficRoutingConfig: TrafficRoutingConfigShape.optional(),
      computePlatform: ComputePlatformShape.optional(),
      zonalConfig: ZonalConfigShape.optional(),
    }),
    resource: (input, ctx) => deploymentConfigArn(ctx, input.deploymentConfigName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.deploymentConfigName, DEPLOYMENT_CONFIG_NAME);
      if (name.startsWith(BUILT_IN_PREFIX)) {
        throw codedeployError(
          "InvalidDeploymentConfigNameException",
          `deploymentConfigName ${JSON.stringify(name)} starts with ${BUILT_IN_PREFIX}, which is kept for AWS's own configurations; choose another name.`,
        );
      }
      const computePlatform = input.computePlatform ?? "Server";
      const body = checkConfigBody({ ...input, computePlatform });
      if (await findCustomConfig(ctx.trx, ctx, name)) {
        throw codedeployError(
          "DeploymentConfigAlreadyExistsException",
          `A deployment configuration named ${JSON.stringify(name)} already exists; choose another name.`,
        );
      }
      const count = await ctx.trx
        .selectFrom("codedeploy_deployment_configs")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .executeTakeFirst();
      if (Number(count?.n ?? 0) >= MAX_CUSTOM_CONFIGS) {
        throw codedeployError(
          "DeploymentConfigLimitExceededException",
          `The account has ${MAX_CUSTOM_CONFIGS} custom deployment configurations in ${ctx.region}, the most it can have; delete one first.`,
        );
      }
      const deploymentConfigId = newUuid();
      await ctx.trx
        .insertInto("codedeploy_deployment_configs")
        .values({
          account_id: ctx.accountId,
          region: ctx.region,
          name,
          deployment_config_id: deploymentConfigId,
          compute_platform: computePlatform,
          config: JSON.stringify(body),
          created_at: rt.clock.now(),
        })
        .execute();
      return { deploymentConfigId };
    },
  });
}

/** GetDeploymentConfig: built-in or custom. */
export function getDeploymentConfig() {
  return operation({
    name: "GetDeploymentConfig",
    input: z.object({ deploymentConfigName: NameInput }),
    resource: (input, ctx) => deploymentConfigArn(ctx, input.deploymentConfigName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.deploymentConfigName, DEPLOYMENT_CONFIG_NAME);
      const config = await findDeploymentConfig(ctx.trx, ctx, name);
      if (!config) throw deploymentConfigNotFound(name);
      return { deploymentConfigInfo: configInfo(config) };
    },
  });
}

const LIST_CONFIGS = "ListDeploymentConfigs";

/** ListDeploymentConfigs: the built-in configurations, then the account's, by name, 100 a page. */
export function listDeploymentConfigs() {
  return operation({
    name: "ListDeploymentConfigs",
    input: z.object({ nextToken: z.string().optional() }),
    handler: async (input, ctx) => {
      const after = afterName(LIST_CONFIGS, input.nextToken);
      // The built-in configurations come first, in their fixed order, then the account's by name.
      const builtIns = BUILT_IN_CONFIGS.map((c) => c.deploymentConfigName);
      const builtInAt = after === undefined ? 0 : builtIns.indexOf(after) + 1;
      const afterCustom = after === undefined || builtInAt > 0 ? undefined : after;
      const restOfBuiltIns = afterCustom === undefined ? builtIns.slice(builtInAt) : [];
      const rows = await ctx.trx
        .selectFrom("codedeploy_deployment_configs")
        .select("name")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .$if(afterCustom !== undefined, (q) => q.where("name", ">", afterCustom!))
        .orderBy("name")
        .limit(PAGE_SIZE + 1)
        .execute();
      const names = [...restOfBuiltIns, ...rows.map((r) => r.name)];
      const page = names.slice(0, PAGE_SIZE);
      return {
        deploymentConfigsList: page,
        ...(names.length > PAGE_SIZE ? { nextToken: tokenAfter(LIST_CONFIGS, page.at(-1)!) } : {}),
      };
    },
  });
}

/**
 * DeleteDeploymentConfig: a custom configuration no deployment group uses. Built-in ones cannot be
 * deleted (InvalidOperationException); one that does not exist is no error, as on AWS.
 */
export function deleteDeploymentConfig() {
  return operation({
    name: "DeleteDeploymentConfig",
    input: z.object({ deploymentConfigName: NameInput }),
    resource: (input, ctx) => deploymentConfigArn(ctx, input.deploymentConfigName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.deploymentConfigName, DEPLOYMENT_CONFIG_NAME);
      if (builtInConfig(name) || name.startsWith(BUILT_IN_PREFIX)) {
        throw codedeployError(
          "InvalidOperationException",
          `${name} is one of AWS's built-in configurations; it cannot be deleted.`,
        );
      }
      const user = await ctx.trx
        .selectFrom("codedeploy_deployment_groups as g")
        .innerJoin("codedeploy_applications as a", "a.application_id", "g.application_id")
        .select(["a.name as application", "g.name as group"])
        .where("g.account_id", "=", ctx.accountId)
        .where("g.region", "=", ctx.region)
        .where("g.deployment_config_name", "=", name)
        .executeTakeFirst();
      if (user) {
        throw codedeployError(
          "DeploymentConfigInUseException",
          `Deployment group ${user.group} of application ${user.application} uses ${name}; give the group another configuration first.`,
        );
      }
      await ctx.trx
        .deleteFrom("codedeploy_deployment_configs")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("name", "=", name)
        .execute();
      return {};
    },
  });
}
