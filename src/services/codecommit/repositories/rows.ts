import type { Kysely, Selectable } from "kysely";
import { formatArn, parseArn } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { RequestContext } from "../../kit/index.js";
import { type OperationContext } from "../../kit/index.js";
import { checkRepositoryName } from "../checks.js";
import { gitDirOf, type CodeCommitRuntime } from "../deps.js";
import { codecommitError, repositoryNotFound, required } from "../errors.js";

/** A stored repository. */
export type RepositoryRow = Selectable<Database["codecommit_repositories"]>;

/** `arn:aws:codecommit:<region>:<account>:<name>`. */
export function repositoryArn(scope: { accountId: string; region: string }, name: string): string {
  return formatArn({
    service: "codecommit",
    region: scope.region,
    accountId: scope.accountId,
    resource: name,
  });
}

/** The repository called `name` in the caller's account and region, or undefined. */
export async function findRepository(
  trx: Kysely<Database>,
  scope: { accountId: string; region: string },
  name: string,
): Promise<RepositoryRow | undefined> {
  return trx
    .selectFrom("codecommit_repositories")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .executeTakeFirst();
}

/**
 * The repository an operation names, checked and looked up: `RepositoryNameRequiredException`,
 * `InvalidRepositoryNameException` or `RepositoryDoesNotExistException` otherwise.
 */
export async function requireRepository(
  ctx: OperationContext,
  name: string | undefined,
  field = "repositoryName",
): Promise<RepositoryRow> {
  const checked = checkRepositoryName(name, field);
  const row = await findRepository(ctx.trx, ctx, checked);
  if (!row) throw repositoryNotFound(checked);
  return row;
}

/** The same repository row, locked for the rest of the transaction (PostgreSQL; SQLite writes are serial). */
export async function lockRepository(
  trx: Kysely<Database>,
  rt: Pick<CodeCommitRuntime, "store">,
  repositoryId: string,
): Promise<RepositoryRow | undefined> {
  let query = trx.selectFrom("codecommit_repositories").selectAll().where("repository_id", "=", repositoryId);
  if (rt.store.dialect === "postgres") query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The bare repository directory of a row. */
export function gitDirOfRow(rt: Pick<CodeCommitRuntime, "dataDir">, row: RepositoryRow): string {
  return gitDirOf(rt, row.repository_id);
}

/** The clone URLs of a repository on this server. */
export function cloneUrls(
  rt: CodeCommitRuntime,
  name: string,
): { cloneUrlHttp: string; cloneUrlSsh?: string } {
  const ssh = rt.sshUrl();
  return {
    cloneUrlHttp: `${rt.publicUrl()}/v1/repos/${name}`,
    ...(ssh ? { cloneUrlSsh: `${ssh}/v1/repos/${name}` } : {}),
  };
}

/** `RepositoryMetadata` as AWS returns it. */
export function repositoryMetadata(rt: CodeCommitRuntime, row: RepositoryRow) {
  return {
    accountId: row.account_id,
    repositoryId: row.repository_id,
    repositoryName: row.name,
    ...(row.description !== null ? { repositoryDescription: row.description } : {}),
    ...(row.default_branch !== null ? { defaultBranch: row.default_branch } : {}),
    lastModifiedDate: new Date(row.last_modified_at),
    creationDate: new Date(row.created_at),
    ...cloneUrls(rt, row.name),
    Arn: repositoryArn({ accountId: row.account_id, region: row.region }, row.name),
    kmsKeyId: row.kms_key_id,
  };
}

/** The scope of a request, for helpers that take only account and region. */
export function scopeOf(ctx: RequestContext): { accountId: string; region: string } {
  return { accountId: ctx.accountId, region: ctx.region };
}

/** The repository a resource ARN names (`ResourceArnRequiredException`, `InvalidResourceArnException`). */
export async function repositoryByArn(
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

export function tagsOf(row: RepositoryRow): Record<string, string> {
  return JSON.parse(row.tags) as Record<string, string>;
}

export async function writeTags(
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
