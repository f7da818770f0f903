import { sql, type Kysely, type Selectable } from "kysely";
import type { Database } from "../../platform/store/index.js";

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

/** Every parameter of the scope whose name starts with `prefix` (all of them for ""), unordered. */
export async function listParameters(
  db: Kysely<Database>,
  scope: Scope,
  prefix = "",
): Promise<ParameterRow[]> {
  let query = db
    .selectFrom("ssm_parameters")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region);
  // substr rather than LIKE: SQLite's LIKE ignores case and names are case-sensitive.
  if (prefix) query = query.where(sql<string>`substr(name, 1, ${prefix.length})`, "=", prefix);
  return await query.execute();
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

/** Every version of `name`, oldest first. */
export async function listVersions(db: Kysely<Database>, scope: Scope, name: string): Promise<VersionRow[]> {
  return await db
    .selectFrom("ssm_parameter_versions")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .orderBy("version")
    .execute();
}

/** The current version of each of `params`, in the same order. */
export async function currentVersions(
  db: Kysely<Database>,
  scope: Scope,
  params: readonly ParameterRow[],
): Promise<VersionRow[]> {
  if (params.length === 0) return [];
  const rows = await db
    .selectFrom("ssm_parameter_versions as v")
    .innerJoin("ssm_parameters as p", (join) =>
      join
        .onRef("p.account_id", "=", "v.account_id")
        .onRef("p.region", "=", "v.region")
        .onRef("p.name", "=", "v.name")
        .onRef("p.version", "=", "v.version"),
    )
    .selectAll("v")
    .where("v.account_id", "=", scope.accountId)
    .where("v.region", "=", scope.region)
    .where(
      "v.name",
      "in",
      params.map((p) => p.name),
    )
    .execute();
  return params.map((p) => {
    const row = rows.find((r) => r.name === p.name);
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
