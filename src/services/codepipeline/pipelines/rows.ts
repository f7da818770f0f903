import type { Kysely, Selectable } from "kysely";
import { formatArn, parseArn } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { codepipelineError, pipelineNotFound } from "../errors.js";
import type { Tag } from "./shapes.js";
import type { StoredDeclaration } from "./structure.js";

/** A stored pipeline (its current version's summary). */
export type PipelineRow = Selectable<Database["codepipeline_pipelines"]>;
/** One stored version of a pipeline's declaration. */
export type PipelineVersionRow = Selectable<Database["codepipeline_pipeline_versions"]>;

type Scope = { accountId: string; region: string };

/** The most pipelines an account can have in a region (AWS's default quota). */
export const MAX_PIPELINES_PER_REGION = 1000;

/** `arn:aws:codepipeline:<region>:<account>:<name>`. */
export function pipelineArn(scope: Scope, name: string): string {
  return formatArn({
    service: "codepipeline",
    region: scope.region,
    accountId: scope.accountId,
    resource: name,
  });
}

/** The pipeline called `name`, or undefined. */
export async function findPipeline(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<PipelineRow | undefined> {
  return trx
    .selectFrom("codepipeline_pipelines")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .executeTakeFirst();
}

/** The pipeline called `name`, or PipelineNotFoundException. */
export async function requirePipeline(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<PipelineRow> {
  const row = await findPipeline(trx, scope, name);
  if (!row) throw pipelineNotFound(name);
  return row;
}

/** One version of a pipeline, or undefined. */
export async function findVersion(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
  version: number,
): Promise<PipelineVersionRow | undefined> {
  return trx
    .selectFrom("codepipeline_pipeline_versions")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .where("version", "=", version)
    .executeTakeFirst();
}

/** How many pipelines the account has in the region. */
export async function countPipelines(trx: Kysely<Database>, scope: Scope): Promise<number> {
  const row = await trx
    .selectFrom("codepipeline_pipelines")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Stores a new version of a declaration. */
export async function insertVersion(
  trx: Kysely<Database>,
  scope: Scope,
  declaration: StoredDeclaration & { version: number },
  now: number,
): Promise<void> {
  await trx
    .insertInto("codepipeline_pipeline_versions")
    .values({
      account_id: scope.accountId,
      region: scope.region,
      name: declaration.name,
      version: declaration.version,
      declaration: JSON.stringify(declaration),
      created_at: now,
    })
    .execute();
}

/** A stored declaration, read back. */
export function declarationOf(row: PipelineVersionRow): StoredDeclaration & { version: number } {
  return JSON.parse(row.declaration) as StoredDeclaration & { version: number };
}

export function tagsOf(row: PipelineRow): Tag[] {
  return JSON.parse(row.tags) as Tag[];
}

/**
 * The pipeline a resource ARN names: InvalidArnException for what is not a CodePipeline ARN,
 * ResourceNotFoundException for a pipeline this account does not have in this region.
 */
export async function pipelineByArn(trx: Kysely<Database>, scope: Scope, arn: string): Promise<PipelineRow> {
  const parts = parseArn(arn);
  if (
    !parts ||
    parts.service !== "codepipeline" ||
    !/^[0-9]{12}$/.test(parts.accountId) ||
    parts.region === ""
  ) {
    throw codepipelineError(
      "InvalidArnException",
      `${JSON.stringify(arn)} is not a CodePipeline ARN; a pipeline's is ${pipelineArn({ region: "<region>", accountId: "<account>" }, "<pipeline-name>")}.`,
    );
  }
  const row =
    parts.accountId === scope.accountId && parts.region === scope.region
      ? await findPipeline(trx, scope, parts.resource)
      : undefined;
  if (!row) {
    throw codepipelineError(
      "ResourceNotFoundException",
      `No pipeline has the ARN ${arn} (pipelines of account ${scope.accountId} in ${scope.region} are ${pipelineArn(scope, "<name>")}).`,
    );
  }
  return row;
}
