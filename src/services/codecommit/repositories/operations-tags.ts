import type { Kysely } from "kysely";
import { z } from "zod";
import { parseArn } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { operation, type OperationContext } from "../../kit/index.js";
import { codecommitError, repositoryNotFound, required } from "../errors.js";
import { findRepository, type RepositoryRow } from "./rows.js";

// Tag rules of AWS tagging: at most 50 tags, keys 1–128 and values 0–256 characters, and keys
// starting with `aws:` are AWS's own.

/** Checks a tags map (`InvalidTagsMapException`, `TooManyTagsException`, `InvalidSystemTagUsageException`). */
export function checkTags(tags: Record<string, string>): Record<string, string> {
  const keys = Object.keys(tags);
  if (keys.length > 50)
    throw codecommitError("TooManyTagsException", `${keys.length} tags given; at most 50 are allowed.`);
  for (const key of keys) {
    if (key.length < 1 || key.length > 128 || (tags[key] ?? "").length > 256) {
      throw codecommitError(
        "InvalidTagsMapException",
        `Tag ${JSON.stringify(key)} is not valid: keys are 1 to 128 characters and values at most 256.`,
      );
    }
    if (key.toLowerCase().startsWith("aws:")) {
      throw codecommitError(
        "InvalidSystemTagUsageException",
        `Tag keys starting with aws: are reserved (${key}).`,
      );
    }
  }
  return tags;
}

/** The repository a resource ARN names (`ResourceArnRequiredException`, `InvalidResourceArnException`). */
async function repositoryByArn(
  trx: Kysely<Database>,
  ctx: OperationContext,
  arn: string | undefined,
): Promise<RepositoryRow> {
  const value = required(arn, "ResourceArnRequiredException", "resourceArn");
  const parsed = parseArn(value);
  if (
    !parsed ||
    parsed.service !== "codecommit" ||
    parsed.accountId !== ctx.accountId ||
    parsed.region !== ctx.region
  ) {
    throw codecommitError(
      "InvalidResourceArnException",
      `resourceArn ${value} is not the ARN of a repository of account ${ctx.accountId} in ${ctx.region}.`,
    );
  }
  const row = await findRepository(trx, ctx, parsed.resource);
  if (!row) throw repositoryNotFound(parsed.resource);
  return row;
}

function tagsOf(row: RepositoryRow): Record<string, string> {
  return JSON.parse(row.tags) as Record<string, string>;
}

async function writeTags(
  ctx: OperationContext,
  row: RepositoryRow,
  tags: Record<string, string>,
): Promise<void> {
  await ctx.trx
    .updateTable("codecommit_repositories")
    .set({ tags: JSON.stringify(tags) })
    .where("repository_id", "=", row.repository_id)
    .execute();
}

/** TagResource. */
export function tagResource() {
  return operation({
    name: "TagResource",
    input: z.object({
      resourceArn: z.string().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    }),
    resource: (input) => input.resourceArn ?? "*",
    handler: async (input, ctx) => {
      const row = await repositoryByArn(ctx.trx, ctx, input.resourceArn);
      const added = required(input.tags, "TagsMapRequiredException", "tags");
      await writeTags(ctx, row, checkTags({ ...tagsOf(row), ...checkTags(added) }));
      return {};
    },
  });
}

/** UntagResource. */
export function untagResource() {
  return operation({
    name: "UntagResource",
    input: z.object({ resourceArn: z.string().optional(), tagKeys: z.array(z.string()).optional() }),
    resource: (input) => input.resourceArn ?? "*",
    handler: async (input, ctx) => {
      const row = await repositoryByArn(ctx.trx, ctx, input.resourceArn);
      const keys = required(input.tagKeys, "TagKeysListRequiredException", "tagKeys");
      const tags = tagsOf(row);
      for (const key of keys) delete tags[key];
      await writeTags(ctx, row, tags);
      return {};
    },
  });
}

/** ListTagsForResource. */
export function listTagsForResource() {
  return operation({
    name: "ListTagsForResource",
    input: z.object({ resourceArn: z.string().optional(), nextToken: z.string().optional() }),
    resource: (input) => input.resourceArn ?? "*",
    handler: async (input, ctx) => ({ tags: tagsOf(await repositoryByArn(ctx.trx, ctx, input.resourceArn)) }),
  });
}
