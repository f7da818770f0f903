import type { Kysely } from "kysely";
import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { operation, type OperationContext } from "../../kit/index.js";
import { requireApplicationRow, type ApplicationRow } from "../applications/rows.js";
import { DEFAULT_CONFIG } from "../configs/built-ins.js";
import { requireDeploymentConfig } from "../configs/rows.js";
import type { CodeDeployRuntime } from "../deps.js";
import { codedeployError } from "../errors.js";
import { APPLICATION_NAME, checkName, DEPLOYMENT_GROUP_NAME } from "../names.js";
import { afterName, PAGE_SIZE, tokenAfter } from "../pagination.js";
import { NameInput, TagShape } from "../shapes.js";
import { checkTags } from "../tags/checks.js";
import { applySettings, defaultSettings } from "./checks.js";
import {
  deploymentGroupArn,
  findGroup,
  groupDeploymentFields,
  groupInfo,
  requireGroupRow,
  type DeploymentGroupRow,
  type StoredGroupSettings,
} from "./rows.js";
import { GroupSettingsShape, type LastDeploymentInfo } from "./shapes.js";

/** The most deployment groups an application can have (AWS's default quota). */
export const MAX_GROUPS_PER_APPLICATION = 1000;
/** The most names BatchGetDeploymentGroups takes. */
const MAX_BATCH = 100;

/** `LastDeploymentInfo` on the wire (times as dates). */
function lastDeployment(info: LastDeploymentInfo) {
  return {
    deploymentId: info.deploymentId,
    status: info.status,
    ...(info.endTime !== undefined ? { endTime: new Date(info.endTime) } : {}),
    createTime: new Date(info.createTime),
  };
}

/** `DeploymentGroupInfo` as GetDeploymentGroup answers it, with what deployments recorded. */
function fullGroupInfo(app: ApplicationRow, row: DeploymentGroupRow) {
  const recorded = groupDeploymentFields(row);
  return {
    ...groupInfo(app, row),
    ...(recorded.targetRevision ? { targetRevision: recorded.targetRevision } : {}),
    ...(recorded.lastSuccessfulDeployment
      ? { lastSuccessfulDeployment: lastDeployment(recorded.lastSuccessfulDeployment) }
      : {}),
    ...(recorded.lastAttemptedDeployment
      ? { lastAttemptedDeployment: lastDeployment(recorded.lastAttemptedDeployment) }
      : {}),
  };
}

/** The configuration a group names exists and is of the application's compute platform. */
async function checkConfig(trx: Kysely<Database>, ctx: OperationContext, settings: StoredGroupSettings) {
  const config = await requireDeploymentConfig(trx, ctx, settings.deploymentConfigName);
  if (config.computePlatform !== settings.computePlatform) {
    throw codedeployError(
      "InvalidDeploymentConfigNameException",
      `Deployment configuration ${config.deploymentConfigName} is for the ${config.computePlatform} compute platform, but the application's is ${settings.computePlatform}.`,
    );
  }
}

const CreateInput = GroupSettingsShape.extend({
  applicationName: NameInput,
  deploymentGroupName: NameInput,
  tags: z.array(TagShape).optional(),
});

/**
 * CreateDeploymentGroup: a group of the application, with AWS's defaults for what is not given
 * (CodeDeployDefault.OneAtATime for a Server application, IN_PLACE without traffic control,
 * outdated instances updated).
 */
export function createDeploymentGroup(rt: CodeDeployRuntime) {
  return operation({
    name: "CreateDeploymentGroup",
    input: CreateInput,
    resource: (input, ctx) =>
      deploymentGroupArn(ctx, input.applicationName ?? "", input.deploymentGroupName ?? ""),
    handler: async (input, ctx) => {
      const appName = checkName(input.applicationName, APPLICATION_NAME);
      const name = checkName(input.deploymentGroupName, DEPLOYMENT_GROUP_NAME);
      if (!input.serviceRoleArn)
        throw codedeployError(
          "RoleRequiredException",
          "serviceRoleArn is required: the IAM role CodeDeploy acts as for the group.",
        );
      const tags = checkTags(input.tags ?? [], "tags");
      const app = await requireApplicationRow(ctx.trx, ctx, appName);
      const settings = applySettings(
        defaultSettings(
          app.compute_platform,
          DEFAULT_CONFIG[app.compute_platform] ?? "CodeDeployDefault.OneAtATime",
          input.serviceRoleArn,
        ),
        input,
      );
      await checkConfig(ctx.trx, ctx, settings);
      if (await findGroup(ctx.trx, app.application_id, name)) {
        throw codedeployError(
          "DeploymentGroupAlreadyExistsException",
          `Application ${app.name} already has a deployment group named ${JSON.stringify(name)}; choose another name.`,
        );
      }
      const count = await ctx.trx
        .selectFrom("codedeploy_deployment_groups")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("application_id", "=", app.application_id)
        .executeTakeFirst();
      if (Number(count?.n ?? 0) >= MAX_GROUPS_PER_APPLICATION) {
        throw codedeployError(
          "DeploymentGroupLimitExceededException",
          `Application ${app.name} has ${MAX_GROUPS_PER_APPLICATION} deployment groups, the most it can have; delete one first.`,
        );
      }
      const deploymentGroupId = newUuid();
      await ctx.trx
        .insertInto("codedeploy_deployment_groups")
        .values({
          deployment_group_id: deploymentGroupId,
          account_id: ctx.accountId,
          region: ctx.region,
          application_id: app.application_id,
          name,
          deployment_config_name: settings.deploymentConfigName,
          info: JSON.stringify(settings),
          tags: JSON.stringify(tags),
          last_attempted: null,
          last_successful: null,
          target_revision: null,
          target_revision_key: null,
          created_at: rt.clock.now(),
        })
        .execute();
      return { deploymentGroupId };
    },
  });
}

/** GetDeploymentGroup: the group, with its last attempted and successful deployments and target revision. */
export function getDeploymentGroup() {
  return operation({
    name: "GetDeploymentGroup",
    input: z.object({ applicationName: NameInput, deploymentGroupName: NameInput }),
    resource: (input, ctx) =>
      deploymentGroupArn(ctx, input.applicationName ?? "", input.deploymentGroupName ?? ""),
    handler: async (input, ctx) => {
      const app = await requireApplicationRow(
        ctx.trx,
        ctx,
        checkName(input.applicationName, APPLICATION_NAME),
      );
      const row = await requireGroupRow(
        ctx.trx,
        app,
        checkName(input.deploymentGroupName, DEPLOYMENT_GROUP_NAME),
      );
      return { deploymentGroupInfo: fullGroupInfo(app, row) };
    },
  });
}

/** BatchGetDeploymentGroups: up to 100 names; those the application lacks are named in `errorMessage`. */
export function batchGetDeploymentGroups() {
  return operation({
    name: "BatchGetDeploymentGroups",
    input: z.object({ applicationName: NameInput, deploymentGroupNames: z.array(z.string()).optional() }),
    handler: async (input, ctx) => {
      const app = await requireApplicationRow(
        ctx.trx,
        ctx,
        checkName(input.applicationName, APPLICATION_NAME),
      );
      const names = input.deploymentGroupNames ?? [];
      if (names.length === 0) {
        throw codedeployError(
          "DeploymentGroupNameRequiredException",
          "deploymentGroupNames must name at least one group.",
        );
      }
      if (names.length > MAX_BATCH) {
        throw codedeployError(
          "BatchLimitExceededException",
          `deploymentGroupNames has ${names.length} names; BatchGetDeploymentGroups takes at most ${MAX_BATCH}.`,
        );
      }
      const infos = [];
      const missing: string[] = [];
      for (const [i, raw] of names.entries()) {
        const name = checkName(raw, DEPLOYMENT_GROUP_NAME, `deploymentGroupNames[${i}]`);
        const row = await findGroup(ctx.trx, app.application_id, name);
        if (row) infos.push(fullGroupInfo(app, row));
        else missing.push(name);
      }
      return {
        deploymentGroupsInfo: infos,
        ...(missing.length > 0
          ? {
              errorMessage: `Application ${app.name} has no deployment groups named ${missing.map((n) => JSON.stringify(n)).join(", ")}.`,
            }
          : {}),
      };
    },
  });
}

/** ListDeploymentGroups: the application's group names in order, 100 a page. */
export function listDeploymentGroups() {
  return operation({
    name: "ListDeploymentGroups",
    input: z.object({ applicationName: NameInput, nextToken: z.string().optional() }),
    handler: async (input, ctx) => {
      const app = await requireApplicationRow(
        ctx.trx,
        ctx,
        checkName(input.applicationName, APPLICATION_NAME),
      );
      const listing = `ListDeploymentGroups/${app.application_id}`;
      const after = afterName(listing, input.nextToken);
      const rows = await ctx.trx
        .selectFrom("codedeploy_deployment_groups")
        .select("name")
        .where("application_id", "=", app.application_id)
        .$if(after !== undefined, (q) => q.where("name", ">", after!))
        .orderBy("name")
        .limit(PAGE_SIZE + 1)
        .execute();
      const page = rows.slice(0, PAGE_SIZE).map((r) => r.name);
      return {
        applicationName: app.name,
        deploymentGroups: page,
        ...(rows.length > PAGE_SIZE ? { nextToken: tokenAfter(listing, page.at(-1)!) } : {}),
      };
    },
  });
}

/**
 * UpdateDeploymentGroup: sets the members given (others stay; an empty list clears one) and, with
 * `newDeploymentGroupName`, renames the group. Nothing here cleans Auto Scaling hooks, so
 * `hooksNotCleanedUp` is always empty.
 */
export function updateDeploymentGroup() {
  return operation({
    name: "UpdateDeploymentGroup",
    input: GroupSettingsShape.extend({
      applicationName: NameInput,
      currentDeploymentGroupName: NameInput,
      newDeploymentGroupName: NameInput,
    }),
    resource: (input, ctx) =>
      deploymentGroupArn(ctx, input.applicationName ?? "", input.currentDeploymentGroupName ?? ""),
    handler: async (input, ctx) => {
      const app = await requireApplicationRow(
        ctx.trx,
        ctx,
        checkName(input.applicationName, APPLICATION_NAME),
      );
      const row = await requireGroupRow(
        ctx.trx,
        app,
        checkName(input.currentDeploymentGroupName, DEPLOYMENT_GROUP_NAME, "currentDeploymentGroupName"),
      );
      let name = row.name;
      if (input.newDeploymentGroupName !== undefined) {
        name = checkName(input.newDeploymentGroupName, DEPLOYMENT_GROUP_NAME, "newDeploymentGroupName");
        if (name !== row.name && (await findGroup(ctx.trx, app.application_id, name))) {
          throw codedeployError(
            "DeploymentGroupAlreadyExistsException",
            `Application ${app.name} already has a deployment group named ${JSON.stringify(name)}; choose another new name.`,
          );
        }
      }
      const settings = applySettings(JSON.parse(row.info) as StoredGroupSettings, input);
      await checkConfig(ctx.trx, ctx, settings);
      await ctx.trx
        .updateTable("codedeploy_deployment_groups")
        .set({ name, deployment_config_name: settings.deploymentConfigName, info: JSON.stringify(settings) })
        .where("deployment_group_id", "=", row.deployment_group_id)
        .execute();
      return { hooksNotCleanedUp: [] };
    },
  });
}

/** DeleteDeploymentGroup: a group that does not exist is no error (the model names none). */
export function deleteDeploymentGroup() {
  return operation({
    name: "DeleteDeploymentGroup",
    input: z.object({ applicationName: NameInput, deploymentGroupName: NameInput }),
    resource: (input, ctx) =>
      deploymentGroupArn(ctx, input.applicationName ?? "", input.deploymentGroupName ?? ""),
    handler: async (input, ctx) => {
      const appName = checkName(input.applicationName, APPLICATION_NAME);
      const name = checkName(input.deploymentGroupName, DEPLOYMENT_GROUP_NAME);
      const app = await ctx.trx
        .selectFrom("codedeploy_applications")
        .select("application_id")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("name", "=", appName)
        .executeTakeFirst();
      if (app) {
        await ctx.trx
          .deleteFrom("codedeploy_deployment_groups")
          .where("application_id", "=", app.application_id)
          .where("name", "=", name)
          .execute();
      }
      return { hooksNotCleanedUp: [] };
    },
  });
}
