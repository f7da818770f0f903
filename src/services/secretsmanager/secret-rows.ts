import type { Kysely, Selectable } from "kysely";
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

/**
 * Makes scheduled deletions whose recovery window has ended permanent. Called before each operation
 * reads secrets, so an expired secret is gone the moment anyone could notice, with no timer needed.
 */
export async function purgeExpired(db: Kysely<Database>, scope: Scope, now: number): Promise<void> {
  const expired = await db
    .selectFrom("secretsmanager_secrets")
    .select("arn")
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("deletion_date", "<=", now)
    .execute();
  for (const { arn } of expired) await deleteSecretNow(db, arn);
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

/** Every secret of the scope, unordered. */
export async function listSecrets(db: Kysely<Database>, scope: Scope): Promise<SecretRow[]> {
  return await db
    .selectFrom("secretsmanager_secrets")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .execute();
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

/** The staging labels of a version. */
export function stagesOf(row: VersionRow): string[] {
  return JSON.parse(row.stages) as string[];
}

/** Midnight UTC of `now`: AWS records LastAccessedDate to the day. */
export function accessDay(now: number): number {
  return now - (now % 86_400_000);
}
