import { z } from "zod";
import { operation, type OperationContext } from "../../kit/index.js";
import type { CodeDeployRuntime } from "../deps.js";
import { codedeployError } from "../errors.js";
import { checkTagFilter } from "../groups/checks.js";
import { checkName, INSTANCE_NAME } from "../names.js";
import { afterName, EXAMINED_PER_PAGE, PAGE_SIZE, tokenAfter } from "../pagination.js";
import { NameInput, TagFilterShape, TagShape, type Tag, type TagInput } from "../shapes.js";
import { checkTag, mergeTags } from "../tags/checks.js";
import { checkIdentity } from "./checks.js";
import { matchesAny } from "./matching.js";
import { findInstance, instanceArn, storedInstance, type InstanceRow } from "./rows.js";

/** The most instances AddTagsToOnPremisesInstances and RemoveTagsFromOnPremisesInstances take. */
export const MAX_TAGGED_INSTANCES = 10;
/** The most tags an on-premises instance can have. */
export const MAX_INSTANCE_TAGS = 10;
/** The most names BatchGetOnPremisesInstances takes. */
const MAX_BATCH = 100;

/** `InstanceInfo`, built from its output shape. */
function instanceInfo(row: InstanceRow) {
  const stored = storedInstance(row);
  return {
    instanceName: stored.instanceName,
    ...(stored.iamSessionArn !== undefined ? { iamSessionArn: stored.iamSessionArn } : {}),
    ...(stored.iamUserArn !== undefined ? { iamUserArn: stored.iamUserArn } : {}),
    instanceArn: stored.instanceArn,
    registerTime: new Date(stored.registerTime),
    ...(stored.deregisterTime !== undefined ? { deregisterTime: new Date(stored.deregisterTime) } : {}),
    tags: stored.tags,
  };
}

/**
 * RegisterOnPremisesInstance: an instance by name, with the IAM identity its agent will use. A name,
 * session or user registered to another instance is refused with AWS's exceptions; a deregistered
 * instance's name can be registered again.
 */
export function registerOnPremisesInstance(rt: CodeDeployRuntime) {
  return operation({
    name: "RegisterOnPremisesInstance",
    input: z.object({
      instanceName: NameInput,
      iamSessionArn: z.string().optional(),
      iamUserArn: z.string().optional(),
    }),
    resource: (input, ctx) => instanceArn(ctx, input.instanceName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.instanceName, INSTANCE_NAME);
      const identity = checkIdentity(input);
      const existing = await findInstance(ctx.trx, ctx, name);
      if (existing && existing.deregister_time === null) {
        throw codedeployError(
          "InstanceNameAlreadyRegisteredException",
          `An on-premises instance named ${JSON.stringify(name)} is already registered; deregister it first or choose another name.`,
        );
      }
      const [column, arn] =
        identity.iamSessionArn !== undefined
          ? (["iam_session_arn", identity.iamSessionArn] as const)
          : (["iam_user_arn", identity.iamUserArn] as const);
      const holder = await ctx.trx
        .selectFrom("codedeploy_instances")
        .select("name")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("deregister_time", "is", null)
        .where(column, "=", arn)
        .executeTakeFirst();
      if (holder) {
        throw codedeployError(
          column === "iam_session_arn"
            ? "IamSessionArnAlreadyRegisteredException"
            : "IamUserArnAlreadyRegisteredException",
          `${column === "iam_session_arn" ? "iamSessionArn" : "iamUserArn"} ${arn} is already registered to instance ${holder.name}; each instance needs its own identity.`,
        );
      }
      const values = {
        iam_session_arn: identity.iamSessionArn ?? null,
        iam_user_arn: identity.iamUserArn ?? null,
        tags: "[]",
        register_time: rt.clock.now(),
        deregister_time: null,
      };
      await ctx.trx
        .insertInto("codedeploy_instances")
        .values({ account_id: ctx.accountId, region: ctx.region, name, ...values })
        .onConflict((oc) => oc.columns(["account_id", "region", "name"]).doUpdateSet(values))
        .execute();
      return {};
    },
  });
}

/** DeregisterOnPremisesInstance: the instance stays listed as Deregistered; an unknown name is no error. */
export function deregisterOnPremisesInstance(rt: CodeDeployRuntime) {
  return operation({
    name: "DeregisterOnPremisesInstance",
    input: z.object({ instanceName: NameInput }),
    resource: (input, ctx) => instanceArn(ctx, input.instanceName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.instanceName, INSTANCE_NAME);
      await ctx.trx
        .updateTable("codedeploy_instances")
        .set({ deregister_time: rt.clock.now() })
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("name", "=", name)
        .where("deregister_time", "is", null)
        .execute();
      return {};
    },
  });
}

/** The named registered instances of a tagging call, checked as AWS checks them. */
async function taggedInstances(
  ctx: OperationContext,
  input: { instanceNames?: string[] | undefined; tags?: TagInput[] | undefined },
): Promise<{ rows: InstanceRow[]; tags: Tag[] }> {
  const names = input.instanceNames ?? [];
  if (names.length === 0)
    throw codedeployError("InstanceNameRequiredException", "instanceNames must name at least one instance.");
  if (names.length > MAX_TAGGED_INSTANCES) {
    throw codedeployError(
      "InstanceLimitExceededException",
      `instanceNames has ${names.length} names; one call tags at most ${MAX_TAGGED_INSTANCES} instances.`,
    );
  }
  const given = input.tags ?? [];
  if (given.length === 0) throw codedeployError("TagRequiredException", "tags must hold at least one tag.");
  if (given.length > MAX_INSTANCE_TAGS) {
    throw codedeployError(
      "TagLimitExceededException",
      `tags has ${given.length} tags; an instance can have at most ${MAX_INSTANCE_TAGS}.`,
    );
  }
  const tags = given.map((t, i) => checkTag(t, `tags[${i}]`, "InvalidTagException"));
  const rows = [];
  for (const [i, raw] of names.entries()) {
    const name = checkName(raw, INSTANCE_NAME, `instanceNames[${i}]`);
    const row = await findInstance(ctx.trx, ctx, name);
    if (!row || row.deregister_time !== null) {
      throw codedeployError(
        "InstanceNotRegisteredException",
        `No on-premises instance named ${JSON.stringify(name)} is registered.`,
      );
    }
    rows.push(row);
  }
  return { rows, tags };
}

/** AddTagsToOnPremisesInstances: sets the tags on each instance (a key it has gets the new value). */
export function addTagsToOnPremisesInstances() {
  return operation({
    name: "AddTagsToOnPremisesInstances",
    input: z.object({ tags: z.array(TagShape).optional(), instanceNames: z.array(z.string()).optional() }),
    handler: async (input, ctx) => {
      const { rows, tags } = await taggedInstances(ctx, input);
      for (const row of rows) {
        const merged = mergeTags(JSON.parse(row.tags) as Tag[], tags);
        if (merged.length > MAX_INSTANCE_TAGS) {
          throw codedeployError(
            "TagLimitExceededException",
            `Instance ${row.name} would have ${merged.length} tags; an instance can have at most ${MAX_INSTANCE_TAGS}.`,
          );
        }
        await setTags(ctx, row, merged);
      }
      return {};
    },
  });
}

/** RemoveTagsFromOnPremisesInstances: removes the tags whose key and value both match. */
export function removeTagsFromOnPremisesInstances() {
  return operation({
    name: "RemoveTagsFromOnPremisesInstances",
    input: z.object({ tags: z.array(TagShape).optional(), instanceNames: z.array(z.string()).optional() }),
    handler: async (input, ctx) => {
      const { rows, tags } = await taggedInstances(ctx, input);
      for (const row of rows) {
        const kept = (JSON.parse(row.tags) as Tag[]).filter(
          (t) => !tags.some((r) => r.Key === t.Key && r.Value === t.Value),
        );
        await setTags(ctx, row, kept);
      }
      return {};
    },
  });
}

async function setTags(ctx: OperationContext, row: InstanceRow, tags: Tag[]) {
  await ctx.trx
    .updateTable("codedeploy_instances")
    .set({ tags: JSON.stringify(tags) })
    .where("account_id", "=", row.account_id)
    .where("region", "=", row.region)
    .where("name", "=", row.name)
    .execute();
}

/**
 * ListOnPremisesInstances: names in order, of either status (or the one asked for), those matching
 * any of `tagFilters` when given; 100 a page.
 */
export function listOnPremisesInstances() {
  return operation({
    name: "ListOnPremisesInstances",
    input: z.object({
      registrationStatus: z.string().optional(),
      tagFilters: z.array(TagFilterShape).optional(),
      nextToken: z.string().optional(),
    }),
    handler: async (input, ctx) => {
      const status = input.registrationStatus;
      if (status !== undefined && status !== "Registered" && status !== "Deregistered") {
        throw codedeployError(
          "InvalidRegistrationStatusException",
          `registrationStatus must be Registered or Deregistered, not ${JSON.stringify(status)}.`,
        );
      }
      const filters = (input.tagFilters ?? []).map((f, i) =>
        checkTagFilter(f, `tagFilters[${i}]`, "InvalidTagFilterException"),
      );
      const listing = `ListOnPremisesInstances/${JSON.stringify([status ?? "", filters])}`;
      const after = afterName(listing, input.nextToken);
      // Tag filters cannot use an index: such a page looks at no more than EXAMINED_PER_PAGE
      // instances and may come back short, with a token resuming after the last one looked at.
      const examined = filters.length === 0 ? PAGE_SIZE + 1 : EXAMINED_PER_PAGE;
      const rows = await ctx.trx
        .selectFrom("codedeploy_instances")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .$if(after !== undefined, (q) => q.where("name", ">", after!))
        .$if(status === "Registered", (q) => q.where("deregister_time", "is", null))
        .$if(status === "Deregistered", (q) => q.where("deregister_time", "is not", null))
        .orderBy("name")
        .limit(examined)
        .execute();
      const matching = rows.filter(
        (r) => filters.length === 0 || matchesAny(JSON.parse(r.tags) as Tag[], filters),
      );
      const page = matching.slice(0, PAGE_SIZE);
      const resume =
        matching.length > PAGE_SIZE
          ? page.at(-1)!.name
          : rows.length === examined && filters.length > 0
            ? rows.at(-1)!.name
            : undefined;
      return {
        instanceNames: page.map((r) => r.name),
        ...(resume !== undefined ? { nextToken: tokenAfter(listing, resume) } : {}),
      };
    },
  });
}

/** BatchGetOnPremisesInstances: up to 100 names; unknown names are left out. */
export function batchGetOnPremisesInstances() {
  return operation({
    name: "BatchGetOnPremisesInstances",
    input: z.object({ instanceNames: z.array(z.string()).optional() }),
    handler: async (input, ctx) => {
      const names = input.instanceNames ?? [];
      if (names.length === 0)
        throw codedeployError(
          "InstanceNameRequiredException",
          "instanceNames must name at least one instance.",
        );
      if (names.length > MAX_BATCH) {
        throw codedeployError(
          "BatchLimitExceededException",
          `instanceNames has ${names.length} names; BatchGetOnPremisesInstances takes at most ${MAX_BATCH}.`,
        );
      }
      const infos = [];
      for (const [i, raw] of names.entries()) {
        const row = await findInstance(ctx.trx, ctx, checkName(raw, INSTANCE_NAME, `instanceNames[${i}]`));
        if (row) infos.push(instanceInfo(row));
      }
      return { instanceInfos: infos };
    },
  });
}

/** GetOnPremisesInstance: a registered or deregistered instance; InstanceNotRegisteredException for a name never registered. */
export function getOnPremisesInstance() {
  return operation({
    name: "GetOnPremisesInstance",
    input: z.object({ instanceName: NameInput }),
    resource: (input, ctx) => instanceArn(ctx, input.instanceName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.instanceName, INSTANCE_NAME);
      const row = await findInstance(ctx.trx, ctx, name);
      if (!row) {
        throw codedeployError(
          "InstanceNotRegisteredException",
          `No on-premises instance named ${JSON.stringify(name)} is registered.`,
        );
      }
      return { instanceInfo: instanceInfo(row) };
    },
  });
}
