import { z } from "zod";
import { awsEnum, awsInt, awsString, operation } from "../../kit/index.js";
import type { CodePipelineRuntime } from "../deps.js";
import { codepipelineError } from "../errors.js";
import { checkTags } from "../pipelines/checks.js";
import { patterned, TagShape } from "../pipelines/shapes.js";
import { actionTypeName, type CustomActionDefinition } from "./catalogue.js";

/** AWS's quota: custom actions per region. */
const MAX_CUSTOM_ACTION_TYPES = 50;

const CategoryShape = awsEnum(["Source", "Build", "Deploy", "Test", "Invoke", "Approval", "Compute"]);
const ProviderShape = patterned(1, 35, "[0-9A-Za-z_-]+");
const VersionShape = patterned(1, 9, "[0-9A-Za-z_-]+");
const ArtifactDetails = z.object({ minimumCount: awsInt(0, 5), maximumCount: awsInt(0, 5) });
const UrlTemplate = awsString(1, 2048).optional();

/** CreateCustomActionType: an action type of the account's own, run by its job workers. */
export function createCustomActionType(rt: CodePipelineRuntime) {
  return operation({
    name: "CreateCustomActionType",
    input: z.object({
      category: CategoryShape,
      provider: ProviderShape,
      version: VersionShape,
      settings: z
        .object({
          thirdPartyConfigurationUrl: UrlTemplate,
          entityUrlTemplate: UrlTemplate,
          executionUrlTemplate: UrlTemplate,
          revisionUrlTemplate: UrlTemplate,
        })
        .optional(),
      configurationProperties: z
        .array(
          z.object({
            name: awsString(1, 50),
            required: z.boolean(),
            key: z.boolean(),
            secret: z.boolean(),
            queryable: z.boolean().optional(),
            description: awsString(1, 160).optional(),
            type: awsEnum(["String", "Number", "Boolean"]).optional(),
          }),
        )
        .max(10)
        .optional(),
      inputArtifactDetails: ArtifactDetails,
      outputArtifactDetails: ArtifactDetails,
      tags: z.array(TagShape).optional(),
    }),
    handler: async (input, ctx) => {
      const id = {
        category: input.category,
        owner: "Custom",
        provider: input.provider,
        version: input.version,
      };
      const name = actionTypeName(id);
      const properties = input.configurationProperties ?? [];
      for (const [field, details] of [
        ["inputArtifactDetails", input.inputArtifactDetails],
        ["outputArtifactDetails", input.outputArtifactDetails],
      ] as const) {
        if (details.minimumCount > details.maximumCount) {
          throw codepipelineError(
            "ValidationException",
            `${field}: minimumCount ${details.minimumCount} is more than maximumCount ${details.maximumCount}.`,
          );
        }
      }
      const names = new Set<string>();
      for (const p of properties) {
        if (names.has(p.name)) {
          throw codepipelineError("ValidationException", `configurationProperties names ${p.name} twice.`);
        }
        names.add(p.name);
      }
      const queryable = properties.filter((p) => p.queryable);
      if (queryable.length > 1) {
        throw codepipelineError(
          "ValidationException",
          `Only one configuration property can be queryable; ${queryable.map((p) => p.name).join(" and ")} are.`,
        );
      }
      if (queryable[0] && (!queryable[0].required || queryable[0].secret)) {
        throw codepipelineError(
          "ValidationException",
          `The queryable property ${queryable[0].name} must be required and not secret (job workers filter on it).`,
        );
      }
      const tags = checkTags(input.tags ?? []);
      const existing = await ctx.trx
        .selectFrom("codepipeline_custom_action_types")
        .select(["deleted_at"])
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("category", "=", id.category)
        .where("provider", "=", id.provider)
        .where("version", "=", id.version)
        .executeTakeFirst();
      if (existing) {
        throw codepipelineError(
          "ValidationException",
          existing.deleted_at !== null
            ? `Custom action type ${name} was deleted; a deleted version cannot be created again: use another version.`
            : `Custom action type ${name} already exists; create another version to change it.`,
        );
      }
      const count = await ctx.trx
        .selectFrom("codepipeline_custom_action_types")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (Number(count?.n ?? 0) >= MAX_CUSTOM_ACTION_TYPES) {
        throw codepipelineError(
          "LimitExceededException",
          `The account has ${MAX_CUSTOM_ACTION_TYPES} custom action types in ${ctx.region}, the most it can have; delete one first.`,
        );
      }
      const definition: CustomActionDefinition = {
        ...(input.settings ? { settings: input.settings } : {}),
        configurationProperties: properties,
        inputArtifactDetails: input.inputArtifactDetails,
        outputArtifactDetails: input.outputArtifactDetails,
      };
      await ctx.trx
        .insertInto("codepipeline_custom_action_types")
        .values({
          account_id: ctx.accountId,
          region: ctx.region,
          category: id.category,
          provider: id.provider,
          version: id.version,
          definition: JSON.stringify(definition),
          tags: JSON.stringify(tags),
          created_at: rt.clock.now(),
          deleted_at: null,
        })
        .execute();
      return {
        actionType: {
          id,
          settings: { ...input.settings },
          actionConfigurationProperties: properties,
          inputArtifactDetails: input.inputArtifactDetails,
          outputArtifactDetails: input.outputArtifactDetails,
        },
        ...(input.tags !== undefined ? { tags } : {}),
      };
    },
  });
}

/** DeleteCustomActionType: pipelines can no longer use it, and its version cannot come back. */
export function deleteCustomActionType(rt: CodePipelineRuntime) {
  return operation({
    name: "DeleteCustomActionType",
    input: z.object({ category: CategoryShape, provider: ProviderShape, version: VersionShape }),
    handler: async (input, ctx) => {
      await ctx.trx
        .updateTable("codepipeline_custom_action_types")
        .set({ deleted_at: rt.clock.now() })
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("category", "=", input.category)
        .where("provider", "=", input.provider)
        .where("version", "=", input.version)
        .where("deleted_at", "is", null)
        .execute();
      return {};
    },
  });
}
