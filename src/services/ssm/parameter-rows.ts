import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../platform/store/index.js";
import type { NameRange } from "./name-range.js";

/** A parameter's current state, as stored. */
export type ParameterRow = Selectable<Database["ssm_parameters"]>;
/** One version of a parameter, as stored (a SecureString's value is a ciphertext). */
export type VersionRow = Selectable<Database["ssm_parameter_versions"]>;

/** The account and region a parameter lives in. */
export interface Scope {
  accountId: string;
  region: string;
}

/** AWS keeps the last 100 versions of a parameter and drops older ones as new ones arrive. */
export const MAX_VERSIONS = 100;

/** The first of `names` that exists, or undefined. */
export async function findParameter(
  db: Kysely<Database>,
  scope: Scope,
  names: readonly string[],
): Promise<ParameterRow | undefined> {
  if (names.length === 0) return undefined;
  const rows = await db
    .selectFrom("ssm_parameters")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "in", names)
    .execute();
  return names.map((n) => rows.find((r) => r.name === n)).find((r) => r !== undefined);
}

/** Where a read of names resumes: just after `name`, or at it when `inclusive`. */
export interface Resume {
  name: string;
  inclusive: boolean;
}

/**
 * Up to `limit` parameters of `range`, from `resume` on, in name order: one seek into the
 * `(account_id, region, name)` primary key and a read of at most `limit` entries.
 */
export async function readNames(
  db: Kysely<Database>,
  scope: Scope,
  range: NameRange,
  resume: Resume | undefined,
  limit: number,
): Promise<ParameterRow[]> {
  let query = db
    .selectFrom("ssm_parameters")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region);
  const lower = lowerBound(range, resume);
  if (lower) query = query.where("name", lower.inclusive ? ">=" : ">", lower.name);
  if (range.to !== undefined) query = query.where("name", range.toInclusive ? "<=" : "<", range.to);
  return await query.orderBy("name").limit(limit).execute();
}

/** The tighter of the range's start and the resume point, so the index is entered once. */
function lowerBound(range: NameRange, resume: Resume | undefined): Resume | undefined {
  const from = range.from === undefined ? undefined : { name: range.from, inclusive: true };
  if (!resume) return from;
  if (!from || resume.name >= from.name) return resume;
  return from;
}

/** One version of `name`, or undefined. */
export async function findVersion(
  db: Kysely<Database>,
  scope: Scope,
  name: string,
  version: number,
): Promise<VersionRow | undefined> {
  return await db
    .selectFrom("ssm_parameter_versions")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .where("version", "=", version)
    .executeTakeFirst();
}

/** Every version of `name`, oldest first (at most {@link MAX_VERSIONS}). */
export async function listVersions(db: Kysely<Database>, scope: Scope, name: string): Promise<VersionRow[]> {
  return await readVersions(db, scope, name, undefined, MAX_VERSIONS);
}

/** Up to `limit` versions of `name` after version `after`, oldest first: one seek into the primary key. */
export async function readVersions(
  db: Kysely<Database>,
  scope: Scope,
  name: string,
  after: number | undefined,
  limit: number,
): Promise<VersionRow[]> {
  let query = db
    .selectFrom("ssm_parameter_versions")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name);
  if (after !== undefined) query = query.where("version", ">", after);
  return await query.orderBy("version").limit(limit).execute();
}

/**
 * The current version of each of `params`, in the same order. Both lists as `IN` make every
 * candidate a whole primary key, so the database looks each up directly; the few pairs that are not
 * a parameter's current version are dropped here.
 */
export async function currentVersions(
  db: Kysely<Database>,
  scope: Scope,
  params: readonly ParameterRow[],
): Promise<VersionRow[]> {
  if (params.length === 0) return [];
  const rows = await db
    .selectFrom("ssm_parameter_versions")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where(
      "name",
      "in",
      params.map((p) => p.name),
    )
    .where("version", "in", [...new Set(params.map((p) => p.version))])
    .execute();
  return params.map((p) => {
    const row = rows.find((r) => r.name === p.name && Number(r.version) === Number(p.version));
    if (!row) throw new Error(`ssm_parameters row ${p.name} has no version ${p.version}`);
    return row;
  });
}

/** Deletes `name` and its whole history; true when it existed. */
export async function deleteParameter(db: Kysely<Database>, scope: Scope, name: string): Promise<boolean> {
  const deleted = await db
    .deleteFrom("ssm_parameters")
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .executeTakeFirst();
  await db
    .deleteFrom("ssm_parameter_versions")
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .execute();
  return Number(deleted.numDeletedRows) > 0;
}

/** Drops the versions of `name` older than the last {@link MAX_VERSIONS}. */
export async function pruneVersions(
  db: Kysely<Database>,
  scope: Scope,
  name: string,
  current: number,
): Promise<void> {
  await db
    .deleteFrom("ssm_parameter_versions")
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .where("version", "<=", current - MAX_VERSIONS)
    .execute();
}
