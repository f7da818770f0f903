import { sql, type Kysely, type Selectable } from "kysely";
import type { Database } from "../../platform/store/index.js";
import { secretNotFound } from "./errors.js";
import { parseSecretId } from "./names.js";

/** A secret as stored. */
export type SecretRow = Selectable<Database["secretsmanager_secrets"]>;
/** A secret version as stored (its value only as a ciphertext). */
export type VersionRow = Selectable<Database["secretsmanager_secret_versions"]>;

/** The account and region a secret lives in. */
export interface Scope {
  accountId: string;
  region: string;
}

/** Expired secrets purged per statement; {@link purgeExpired} repeats until none is left. */
const PURGE_BATCH = 100;

/**
 * Makes scheduled deletions whose recovery window has ended permanent. Called before each operation
 * reads secrets, so an expired secret is gone the moment anyone could notice, with no timer needed.
 * The deletion-date index finds only the expired ones, a batch at a time.
 */
export async function purgeExpired(db: Kysely<Database>, scope: Scope, now: number): Promise<void> {
  for (;;) {
    const expired = await db
      .selectFrom("secretsmanager_secrets")
      .select("arn")
      .where("account_id", "=", scope.accountId)
      .where("region", "=", scope.region)
      .where("deletion_date", "<=", now)
      .orderBy("deletion_date")
      .limit(PURGE_BATCH)
      .execute();
    for (const { arn } of expired) await deleteSecretNow(db, arn);
    if (expired.length < PURGE_BATCH) return;
  }
}

/** Deletes a secret and every version of it. */
export async function deleteSecretNow(db: Kysely<Database>, arn: string): Promise<void> {
  await db.deleteFrom("secretsmanager_secret_versions").where("secret_arn", "=", arn).execute();
  await db.deleteFrom("secretsmanager_secrets").where("arn", "=", arn).execute();
}

/** The secret `secretId` names (by name, full ARN or partial ARN), live or scheduled for deletion. */
export async function findSecret(
  db: Kysely<Database>,
  scope: Scope,
  secretId: string,
): Promise<SecretRow | undefined> {
  const ref = parseSecretId(secretId, scope.accountId, scope.region);
  if (!ref) return undefined;
  const base = db
    .selectFrom("secretsmanager_secrets")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region);
  if ("name" in ref) return await base.where("name", "=", ref.name).executeTakeFirst();
  const exact = await base.where("arn", "=", ref.arn).executeTakeFirst();
  if (exact || ref.partialName === undefined) return exact;
  return await base.where("name", "=", ref.partialName).executeTakeFirst();
}

/**
 * The secret `secretId` names, after purging expired deletions (see {@link purgeExpired}); throws
 * ResourceNotFoundException when there is none. The prelude of every single-secret operation.
 */
export async function requireSecret(
  db: Kysely<Database>,
  scope: Scope,
  secretId: string,
  now: number,
): Promise<SecretRow> {
  await purgeExpired(db, scope, now);
  const secret = await findSecret(db, scope, secretId);
  if (!secret) throw secretNotFound();
  return secret;
}

/** The keys ListSecrets sorts by. */
export type SecretSort = "created-date" | "last-accessed-date" | "last-changed-date" | "name";

/**
 * Where a listing of secrets resumes: after the secret with sort key `k` and ARN `a`. A type, not
 * an interface, so that it is a page-token position (a record of numbers and strings).
 */
export type SecretPosition = { readonly k: number | string; readonly a: string };

/** How {@link readSecrets} reads one batch of a listing. */
export interface SecretReading {
  sortBy: SecretSort;
  descending: boolean;
  after: SecretPosition | undefined;
  limit: number;
  includeDeleted: boolean;
  /** Only names starting with this (a range of the name index). */
  namePrefix?: string | undefined;
}

/**
 * The sort key of `sortBy` as SQL. The access date is the expression its index is built on
 * (migration 0031), a literal 0 and not a parameter, or neither database would match the index.
 */
function sortColumn(sortBy: SecretSort) {
  switch (sortBy) {
    case "name":
      return sql<string>`name`;
    case "created-date":
      return sql<number>`created_at`;
    case "last-changed-date":
      return sql<number>`last_changed_at`;
    case "last-accessed-date":
      return sql<number>`coalesce(last_accessed_at, 0)`;
  }
}

/** The sort key of `secret` as {@link readSecrets} orders by it. */
export function sortKeyOf(secret: SecretRow, sortBy: SecretSort): number | string {
  switch (sortBy) {
    case "name":
      return secret.name;
    case "created-date":
      return Number(secret.created_at);
    case "last-changed-date":
      return Number(secret.last_changed_at);
    case "last-accessed-date":
      return Number(secret.last_accessed_at ?? 0);
  }
}

/**
 * Up to `limit` secrets of the scope after `after`, in ListSecrets order: the sort key in the
 * requested direction, ties by ARN ascending, from the index of that key and direction (names are
 * unique, so the name index alone orders by name). Planned deletions are left out unless asked for.
 */
export async function readSecrets(
  db: Kysely<Database>,
  scope: Scope,
  reading: SecretReading,
): Promise<SecretRow[]> {
  const { after, descending, namePrefix } = reading;
  const key = sortColumn(reading.sortBy);
  let query = db
    .selectFrom("secretsmanager_secrets")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region);
  if (!reading.includeDeleted) query = query.where("deleted_at", "is", null);
  if (namePrefix !== undefined && reading.sortBy === "name") {
    // Names are ASCII, so every name with the prefix sorts below the prefix followed by DEL.
    query = query.where("name", ">=", namePrefix).where("name", "<", `${namePrefix}\x7f`);
  }
  if (after) {
    const beyond = descending ? "<" : ">";
    if (reading.sortBy === "name") {
      query = query.where(key, beyond, after.k);
    } else {
      // The inclusive bound alone starts the index range at the position; the OR resumes within ties.
      query = query
        .where(key, descending ? "<=" : ">=", after.k)
        .where((eb) =>
          eb.or([eb(key, beyond, after.k), eb.and([eb(key, "=", after.k), eb("arn", ">", after.a)])]),
        );
    }
  }
  query = query.orderBy(key, descending ? "desc" : "asc");
  if (reading.sortBy !== "name") query = query.orderBy("arn");
  return await query.limit(reading.limit).execute();
}

/** Staged versions read per statement by {@link stagedVersions}. */
const VERSION_BATCH = 100;

/** The versions of `arn` that carry staging labels, oldest first, a bounded batch at a time. */
export async function stagedVersions(db: Kysely<Database>, arn: string): Promise<VersionRow[]> {
  const all: VersionRow[] = [];
  for (;;) {
    const last = all[all.length - 1];
    const after = last ? { t: Number(last.created_at), i: last.version_id } : undefined;
    const batch = await readVersions(db, arn, { after, limit: VERSION_BATCH, stagedOnly: true });
    all.push(...batch);
    if (batch.length < VERSION_BATCH) return all;
  }
}

/** The versions of the secrets `arns`, oldest first. */
export async function listVersions(db: Kysely<Database>, arns: readonly string[]): Promise<VersionRow[]> {
  if (arns.length === 0) return [];
  return await db
    .selectFrom("secretsmanager_secret_versions")
    .selectAll()
    .where("secret_arn", "in", arns)
    .orderBy("created_at")
    .orderBy("version_id")
    .execute();
}

/**
 * Where a listing of versions resumes: after the version created at `t` with id `i`. A type, not
 * an interface, so that it is a page-token position (a record of numbers and strings).
 */
export type VersionPosition = { readonly t: number; readonly i: string };

/**
 * Up to `limit` versions of `arn` after `after`, oldest first (ties by id), from the
 * `(secret_arn, created_at, version_id)` index; `stagedOnly` leaves out deprecated versions.
 */
export async function readVersions(
  db: Kysely<Database>,
  arn: string,
  options: { after: VersionPosition | undefined; limit: number; stagedOnly: boolean },
): Promise<VersionRow[]> {
  const { after } = options;
  let query = db.selectFrom("secretsmanager_secret_versions").selectAll().where("secret_arn", "=", arn);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb("created_at", ">", after.t),
        eb.and([eb("created_at", "=", after.t), eb("version_id", ">", after.i)]),
      ]),
    );
  }
  // A version without labels is stored as `[]` (see `addVersion`).
  if (options.stagedOnly) query = query.where("stages", "<>", "[]");
  return await query.orderBy("created_at").orderBy("version_id").limit(options.limit).execute();
}

/** The staging labels of a version. */
export function stagesOf(row: VersionRow): string[] {
  return JSON.parse(row.stages) as string[];
}

/** Midnight UTC of `now`: AWS records LastAccessedDate to the day. */
export function accessDay(now: number): number {
  return now - (now % 86_400_000);
}
