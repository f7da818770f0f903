import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import { initBareRepository, removeRepository } from "../../../platform/git/index.js";
import { operation, type OperationContext } from "../../kit/index.js";
import { checkRepositoryName } from "../checks.js";
import { gitDirOf, type CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { keysetPage, resumeAfter } from "../pagination.js";
import { checkDescription, checkTags } from "./checks.js";
import {
  findRepository,
  repositoryArn,
  repositoryByArn,
  repositoryMetadata,
  requireRepository,
  scopeOf,
  tagsOf,
  writeTags,
} from "./rows.js";

const Name = z.string().optional();
const Description = z.string().optional();

/** CreateRepository: a row and an empty bare repository named by the row's id. */
export function createRepository(rt: CodeCommitRuntime) {
  return operation({
    name: "CreateRepository",
    input: z.object({
      repositoryName: Name,
      repositoryDescription: Description,
      tags: z.record(z.string(), z.string()).optional(),
      kmsKeyId: z.string().optional(),
    }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const name = checkRepositoryName(input.repositoryName);
      const description = checkDescription(input.repositoryDescription);
      const tags = checkTags(input.tags ?? {});
      const now = rt.clock.now();
      const id = newUuid();
      const inserted = await ctx.trx
        .insertInto("codecommit_repositories")
        .values({
          repository_id: id,
          account_id: ctx.accountId,
          region: ctx.region,
          name,
          description,
          default_branch: null,
          tags: JSON.stringify(tags),
          triggers: "[]",
          triggers_config_id: newUuid(),
          kms_key_id: input.kmsKeyId ?? "alias/aws/codecommit",
          created_at: now,
          last_modified_at: now,
        })
        .onConflict((oc) => oc.columns(["account_id", "region", "name"]).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted)
        throw codecommitError("RepositoryNameExistsException", `Repository named ${name} already exists`);
      // Named by id, so the directory never depends on what a caller typed.
      await initBareRepository(gitDirOf(rt, id));
      return { repositoryMetadata: repositoryMetadata(rt, inserted) };
    },
  });
}

/** GetRepository. */
export function getRepository(rt: CodeCommitRuntime) {
  return operation({
    name: "GetRepository",
    input: z.object({ repositoryName: Name }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => ({
      repositoryMetadata: repositoryMetadata(rt, await requireRepository(ctx, input.repositoryName)),
    }),
  });
}

/** BatchGetRepositories: up to 25 names; unknown ones are listed in `repositoriesNotFound`. */
export function batchGetRepositories(rt: CodeCommitRuntime) {
  return operation({
    name: "BatchGetRepositories",
    input: z.object({ repositoryNames: z.array(z.string()).optional() }),
    handler: async (input, ctx) => {
      const names = input.repositoryNames ?? [];
      if (names.length === 0) {
        throw codecommitError(
          "RepositoryNamesRequiredException",
          "repositoryNames is required and cannot be empty.",
        );
      }
      if (names.length > 25) {
        throw codecommitError(
          "MaximumRepositoryNamesExceededException",
          `repositoryNames has ${names.length} names; at most 25 can be asked for at once.`,
        );
      }
      const repositories = [];
      const repositoriesNotFound: string[] = [];
      for (const raw of names) {
        const name = checkRepositoryName(raw, "repositoryNames");
        const row = await findRepository(ctx.trx, ctx, name);
        if (row) repositories.push(repositoryMetadata(rt, row));
        else repositoriesNotFound.push(name);
      }
      return { repositories, repositoriesNotFound, errors: [] };
    },
  });
}

/** ListRepositories: by name or last modification, either order, 1,000 a page (as AWS). */
export function listRepositories(_rt: CodeCommitRuntime) {
  return operation({
    name: "ListRepositories",
    input: z.object({
      nextToken: z.string().optional(),
      sortBy: z.string().optional(),
      order: z.string().optional(),
    }),
    handler: async (input, ctx) => {
      const sortBy = input.sortBy ?? "repositoryName";
      if (sortBy !== "repositoryName" && sortBy !== "lastModifiedDate") {
        throw codecommitError(
          "InvalidSortByException",
          `sortBy must be repositoryName or lastModifiedDate, not ${sortBy}.`,
        );
      }
      const order = input.order ?? "ascending";
      if (order !== "ascending" && order !== "descending") {
        throw codecommitError(
          "InvalidOrderException",
          `order must be ascending or descending, not ${order}.`,
        );
      }
      const listing = `repos:${sortBy}:${order}`;
      const { items, nextToken } =
        sortBy === "repositoryName"
          ? await repositoriesByName(ctx, listing, input.nextToken, order)
          : await repositoriesByModification(ctx, listing, input.nextToken, order);
      return {
        repositories: items.map((r) => ({ repositoryName: r.name, repositoryId: r.repository_id })),
        ...(nextToken !== undefined ? { nextToken } : {}),
      };
    },
  });
}

/** ListRepositories returns up to 1,000 repositories a page (as AWS). */
const REPOSITORY_PAGE = 1000;

type Order = "ascending" | "descending";

/** One page of repositories by name, resuming after the last name (index `(account, region, name)`). */
async function repositoriesByName(
  ctx: OperationContext,
  listing: string,
  token: string | undefined,
  order: Order,
) {
  const after = resumeAfter(listing, token, { n: "string" });
  let query = ctx.trx
    .selectFrom("codecommit_repositories")
    .select(["name", "repository_id"])
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .orderBy("name", order === "ascending" ? "asc" : "desc")
    .limit(REPOSITORY_PAGE + 1);
  if (after !== undefined) query = query.where("name", order === "ascending" ? ">" : "<", after.n);
  return keysetPage(listing, await query.execute(), REPOSITORY_PAGE, (r) => ({ n: r.name }));
}

/**
 * One page of repositories by last modification and then name (both in the requested direction),
 * resuming after the last pair (index `(account, region, last_modified_at, name)`).
 */
async function repositoriesByModification(
  ctx: OperationContext,
  listing: string,
  token: string | undefined,
  order: Order,
) {
  const after = resumeAfter(listing, token, { t: "number", n: "string" });
  const direction = order === "ascending" ? "asc" : "desc";
  const beyond = order === "ascending" ? ">" : "<";
  let query = ctx.trx
    .selectFrom("codecommit_repositories")
    .select(["name", "repository_id", "last_modified_at"])
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .orderBy("last_modified_at", direction)
    .orderBy("name", direction)
    .limit(REPOSITORY_PAGE + 1);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb("last_modified_at", beyond, after.t),
        eb.and([eb("last_modified_at", "=", after.t), eb("name", beyond, after.n)]),
      ]),
    );
  }
  const rows = await query.execute();
  return keysetPage(listing, rows, REPOSITORY_PAGE, (r) => ({ t: Number(r.last_modified_at), n: r.name }));
}

/**
 * DeleteRepository: returns the deleted repository's id, or nothing when there was none (AWS does
 * not fail). The directory is moved aside at once, so clones in progress fail cleanly.
 */
export function deleteRepository(rt: CodeCommitRuntime) {
  return operation({
    name: "DeleteRepository",
    input: z.object({ repositoryName: Name }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const name = checkRepositoryName(input.repositoryName);
      const row = await findRepository(ctx.trx, ctx, name);
      if (!row) return {};
      await ctx.trx
        .deleteFrom("codecommit_repositories")
        .where("repository_id", "=", row.repository_id)
        .execute();
      await removeRepository(gitDirOf(rt, row.repository_id));
      return { repositoryId: row.repository_id };
    },
  });
}

/** UpdateRepositoryName: only the row changes; the directory is named by id. */
export function updateRepositoryName(rt: CodeCommitRuntime) {
  return operation({
    name: "UpdateRepositoryName",
    input: z.object({ oldName: Name, newName: Name }),
    resource: (input, ctx) => repositoryArn(ctx, input.oldName ?? ""),
    handler: async (input, ctx) => {
      const row = await requireRepository(ctx, input.oldName, "oldName");
      const newName = checkRepositoryName(input.newName, "newName");
      if (newName === row.name) return {};
      if (await findRepository(ctx.trx, scopeOf(ctx), newName)) {
        throw codecommitError("RepositoryNameExistsException", `Repository named ${newName} already exists`);
      }
      await ctx.trx
        .updateTable("codecommit_repositories")
        .set({ name: newName, last_modified_at: rt.clock.now() })
        .where("repository_id", "=", row.repository_id)
        .execute();
      return {};
    },
  });
}

/** UpdateRepositoryDescription. */
export function updateRepositoryDescription(rt: CodeCommitRuntime) {
  return operation({
    name: "UpdateRepositoryDescription",
    input: z.object({ repositoryName: Name, repositoryDescription: Description }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const row = await requireRepository(ctx, input.repositoryName);
      await ctx.trx
        .updateTable("codecommit_repositories")
        .set({ description: checkDescription(input.repositoryDescription), last_modified_at: rt.clock.now() })
        .where("repository_id", "=", row.repository_id)
        .execute();
      return {};
    },
  });
}

/** TagResource. */
export function tagResource(_rt: CodeCommitRuntime) {
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
export function untagResource(_rt: CodeCommitRuntime) {
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
export function listTagsForResource(_rt: CodeCommitRuntime) {
  return operation({
    name: "ListTagsForResource",
    input: z.object({ resourceArn: z.string().optional(), nextToken: z.string().optional() }),
    resource: (input) => input.resourceArn ?? "*",
    handler: async (input, ctx) => ({ tags: tagsOf(await repositoryByArn(ctx.trx, ctx, input.resourceArn)) }),
  });
}
