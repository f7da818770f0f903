import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import { operation } from "../../kit/index.js";
import type { CodeDeployRuntime } from "../deps.js";
import { codedeployError } from "../errors.js";
import { APPLICATION_NAME, checkName } from "../names.js";
import { afterName, PAGE_SIZE, tokenAfter } from "../pagination.js";
import { ComputePlatformShape, NameInput, TagShape } from "../shapes.js";
import { checkTags } from "../tags/checks.js";
import {
  applicationArn,
  countApplications,
  findApplication,
  requireApplicationRow,
  type ApplicationRow,
} from "./rows.js";

/** The most applications an account can have in a region (AWS's default quota). */
export const MAX_APPLICATIONS = 1000;
/** The most names BatchGetApplications takes. */
const MAX_BATCH = 100;

/** `ApplicationInfo`, built from its output shape. */
function applicationInfo(row: ApplicationRow) {
  return {
    applicationId: row.application_id,
    applicationName: row.name,
    createTime: new Date(Number(row.created_at)),
    linkedToGitHub: false,
    computePlatform: row.compute_platform,
  };
}

/** CreateApplication: a new application (compute platform `Server` unless given). */
export function createApplication(rt: CodeDeployRuntime) {
  return operation({
    name: "CreateApplication",
    input: z.object({
      applicationName: NameInput,
      computePlatform: ComputePlatformShape.optional(),
      tags: z.array(TagShape).optional(),
    }),
    resource: (input, ctx) => applicationArn(ctx, input.applicationName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.applicationName, APPLICATION_NAME);
      const tags = checkTags(input.tags ?? [], "tags");
      if (await findApplication(ctx.trx, ctx, name)) {
        throw codedeployError(
          "ApplicationAlreadyExistsException",
          `An application named ${JSON.stringify(name)} already exists in this account and region; choose another name.`,
        );
      }
      const count = await countApplications(ctx.trx, ctx);
      if (count >= MAX_APPLICATIONS) {
        throw codedeployError(
          "ApplicationLimitExceededException",
          `The account has ${count} applications in ${ctx.region}, the most it can have (${MAX_APPLICATIONS}); delete one first.`,
        );
      }
      const applicationId = newUuid();
      const inserted = await ctx.trx
        .insertInto("codedeploy_applications")
        .values({
          application_id: applicationId,
          account_id: ctx.accountId,
          region: ctx.region,
          name,
          compute_platform: input.computePlatform ?? "Server",
          tags: JSON.stringify(tags),
          created_at: rt.clock.now(),
        })
        .onConflict((oc) => oc.columns(["account_id", "region", "name"]).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        throw codedeployError(
          "ApplicationAlreadyExistsException",
          `An application named ${JSON.stringify(name)} already exists.`,
        );
      }
      return { applicationId };
    },
  });
}

/** GetApplication. */
export function getApplication() {
  return operation({
    name: "GetApplication",
    input: z.object({ applicationName: NameInput }),
    resource: (input, ctx) => applicationArn(ctx, input.applicationName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.applicationName, APPLICATION_NAME);
      return { application: applicationInfo(await requireApplicationRow(ctx.trx, ctx, name)) };
    },
  });
}

/** BatchGetApplications: up to 100 names; one that does not exist fails the whole call, as on AWS. */
export function batchGetApplications() {
  return operation({
    name: "BatchGetApplications",
    input: z.object({ applicationNames: z.array(z.string()).optional() }),
    handler: async (input, ctx) => {
      const names = input.applicationNames ?? [];
      if (names.length === 0) {
        throw codedeployError(
          "ApplicationNameRequiredException",
          "applicationNames must name at least one application.",
        );
      }
      if (names.length > MAX_BATCH) {
        throw codedeployError(
          "BatchLimitExceededException",
          `applicationNames has ${names.length} names; BatchGetApplications takes at most ${MAX_BATCH}.`,
        );
      }
      const infos = [];
      for (const [i, raw] of names.entries()) {
        const name = checkName(raw, APPLICATION_NAME, `applicationNames[${i}]`);
        infos.push(applicationInfo(await requireApplicationRow(ctx.trx, ctx, name)));
      }
      return { applicationsInfo: infos };
    },
  });
}

const LIST_APPLICATIONS = "ListApplications";

/** ListApplications: names in order, 100 a page. */
export function listApplications() {
  return operation({
    name: "ListApplications",
    input: z.object({ nextToken: z.string().optional() }),
    handler: async (input, ctx) => {
      const after = afterName(LIST_APPLICATIONS, input.nextToken);
      const rows = await ctx.trx
        .selectFrom("codedeploy_applications")
        .select("name")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .$if(after !== undefined, (q) => q.where("name", ">", after!))
        .orderBy("name")
        .limit(PAGE_SIZE + 1)
        .execute();
      const page = rows.slice(0, PAGE_SIZE).map((r) => r.name);
      return {
        applications: page,
        ...(rows.length > PAGE_SIZE ? { nextToken: tokenAfter(LIST_APPLICATIONS, page.at(-1)!) } : {}),
      };
    },
  });
}

/**
 * UpdateApplication: renames an application. Its groups and revisions follow (they point at its
 * id). Without a new name it is no change, as on AWS.
 */
export function updateApplication() {
  return operation({
    name: "UpdateApplication",
    input: z.object({ applicationName: NameInput, newApplicationName: NameInput }),
    resource: (input, ctx) => applicationArn(ctx, input.applicationName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.applicationName, APPLICATION_NAME);
      const row = await requireApplicationRow(ctx.trx, ctx, name);
      if (input.newApplicationName === undefined) return {};
      const newName = checkName(input.newApplicationName, APPLICATION_NAME, "newApplicationName");
      if (newName === row.name) return {};
      if (await findApplication(ctx.trx, ctx, newName)) {
        throw codedeployError(
          "ApplicationAlreadyExistsException",
          `An application named ${JSON.stringify(newName)} already exists; choose another new name.`,
        );
      }
      await ctx.trx
        .updateTable("codedeploy_applications")
        .set({ name: newName })
        .where("application_id", "=", row.application_id)
        .execute();
      return {};
    },
  });
}

/**
 * DeleteApplication: the application with its deployment groups and revisions. An application that
 * does not exist is no error (the model names none).
 */
export function deleteApplication() {
  return operation({
    name: "DeleteApplication",
    input: z.object({ applicationName: NameInput }),
    resource: (input, ctx) => applicationArn(ctx, input.applicationName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.applicationName, APPLICATION_NAME);
      const row = await findApplication(ctx.trx, ctx, name);
      if (!row) return {};
      // Deployments (a later migration) register their own clean-up beside these.
      for (const table of ["codedeploy_deployment_groups", "codedeploy_revisions"] as const) {
        await ctx.trx.deleteFrom(table).where("application_id", "=", row.application_id).execute();
      }
      await ctx.trx
        .deleteFrom("codedeploy_applications")
        .where("application_id", "=", row.application_id)
        .execute();
      return {};
    },
  });
}
