import { z } from "zod";
import { awsEnum, awsString, decodePageToken, encodePageToken, operation } from "../../kit/index.js";
import type { CodePipelineRuntime } from "../deps.js";
import { codepipelineError, invalidNextToken } from "../errors.js";
import { actionTypeCatalogue, actionTypeName, type ActionTypeDefinition } from "./catalogue.js";

const LIST_ACTION_TYPES = "ListActionTypes";

/**
 * How many Custom action types a ListActionTypes page holds, after the built-in types on the
 * first page (AWS allows 50 Custom types a region, so one page is the usual answer).
 */
const CUSTOM_TYPES_PER_PAGE = 100;

/** Where ListActionTypes resumes: after the Custom type with this category, provider and version. */
type CustomTypeKey = { readonly c: string; readonly p: string; readonly v: string };

function isCustomTypeKey(p: unknown): p is CustomTypeKey {
  if (typeof p !== "object" || p === null) return false;
  const { c, p: provider, v } = p as Record<string, unknown>;
  return typeof c === "string" && typeof provider === "string" && typeof v === "string";
}

/** `ActionType` as ListActionTypes describes one. */
function actionTypeSummary(type: ActionTypeDefinition) {
  return {
    id: { ...type.id },
    settings: { ...type.settings },
    actionConfigurationProperties: type.properties.map((p) => ({
      name: p.name,
      required: p.required,
      key: p.key,
      secret: p.secret,
      queryable: p.queryable,
      description: p.description,
      type: p.type,
    })),
    inputArtifactDetails: { minimumCount: type.inputArtifacts.min, maximumCount: type.inputArtifacts.max },
    outputArtifactDetails: { minimumCount: type.outputArtifacts.min, maximumCount: type.outputArtifacts.max },
  };
}

/**
 * ListActionTypes: every action type, or those of one owner. Action types are the same in every
 * region this server serves, which is one: a `regionFilter` naming another finds none.
 */
export function listActionTypes(_rt: CodePipelineRuntime) {
  return operation({
    name: "ListActionTypes",
    input: z.object({
      actionOwnerFilter: awsEnum(["AWS", "ThirdParty", "Custom"]).optional(),
      nextToken: awsString(1, 2048).optional(),
      regionFilter: awsString(4, 30).optional(),
    }),
    handler: async (input, ctx) => {
      const listing = `${LIST_ACTION_TYPES}/${input.actionOwnerFilter ?? ""}/${input.regionFilter ?? ""}`;
      const after = decodePageToken(input.nextToken, listing, isCustomTypeKey, invalidNextToken);
      const types =
        input.regionFilter !== undefined && input.regionFilter !== ctx.region
          ? []
          : await actionTypeCatalogue(ctx.trx, ctx).list(input.actionOwnerFilter, {
              after: after && { category: after.c, provider: after.p, version: after.v },
              limit: CUSTOM_TYPES_PER_PAGE + 1,
            });
      // One more Custom type than a page holds says that another page follows.
      const customs = types.filter((t) => t.id.owner === "Custom");
      const shown = customs.length > CUSTOM_TYPES_PER_PAGE ? types.slice(0, -1) : types;
      const last = shown.at(-1)?.id;
      return {
        actionTypes: shown.map(actionTypeSummary),
        ...(customs.length > CUSTOM_TYPES_PER_PAGE && last
          ? { nextToken: encodePageToken(listing, { c: last.category, p: last.provider, v: last.version }) }
          : {}),
      };
    },
  });
}

/** GetActionType: the `ActionTypeDeclaration` of an action type. */
export function getActionType(_rt: CodePipelineRuntime) {
  return operation({
    name: "GetActionType",
    input: z.object({
      category: awsEnum(["Source", "Build", "Deploy", "Test", "Invoke", "Approval", "Compute"]),
      owner: awsString(1).regex(
        /^(AWS|ThirdParty)$/,
        "Member must satisfy regular expression pattern: AWS|ThirdParty",
      ),
      provider: awsString(1, 35).regex(
        /^[0-9A-Za-z_-]+$/,
        "Member must satisfy regular expression pattern: [0-9A-Za-z_-]+",
      ),
      version: awsString(1, 9).regex(
        /^[0-9A-Za-z_-]+$/,
        "Member must satisfy regular expression pattern: [0-9A-Za-z_-]+",
      ),
    }),
    handler: async (input, ctx) => {
      const type = await actionTypeCatalogue(ctx.trx, ctx).find(input);
      if (!type) {
        throw codepipelineError(
          "ActionTypeNotFoundException",
          `Action type ${actionTypeName(input)} does not exist; ListActionTypes lists those that do.`,
        );
      }
      return {
        actionType: {
          description: type.description,
          // Built-in actions are run by the server itself; no job worker or Lambda is involved.
          executor: { type: "JobWorker", configuration: {} },
          id: { ...type.id },
          inputArtifactDetails: {
            minimumCount: type.inputArtifacts.min,
            maximumCount: type.inputArtifacts.max,
          },
          outputArtifactDetails: {
            minimumCount: type.outputArtifacts.min,
            maximumCount: type.outputArtifacts.max,
          },
          properties: type.properties.map((p) => ({
            name: p.name,
            optional: !p.required,
            key: p.key,
            noEcho: p.secret,
            queryable: p.queryable,
            description: p.description,
          })),
        },
      };
    },
  });
}
