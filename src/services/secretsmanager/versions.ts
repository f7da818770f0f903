import type { Kysely } from "kysely";
import type { Envelope } from "../../platform/crypto/index.js";
import type { Database } from "../../platform/store/index.js";
import { smError } from "./errors.js";
import { listVersions, stagesOf, type SecretRow, type VersionRow } from "./secret-rows.js";
import { moveStages } from "./stages.js";
import { openSecret, sameValue, sealSecret, type SecretValue } from "./values.js";

/**
 * The version a retried request already created: `versionId` (its ClientRequestToken) exists with
 * the same value. Undefined when it does not exist; ResourceExistsException when it exists with
 * another value, since a version never changes.
 */
export function findRetry(
  envelope: Envelope,
  versions: readonly VersionRow[],
  versionId: string,
  value: SecretValue,
): VersionRow | undefined {
  const existing = versions.find((v) => v.version_id === versionId);
  if (!existing) return undefined;
  if (!sameValue(openSecret(envelope, existing), value)) {
    throw smError(
      "ResourceExistsException",
      `A version with the ClientRequestToken ${versionId} already exists with a different value; you can't modify an existing version, only create a new one.`,
    );
  }
  return existing;
}

/** Stores a new version of `secret` with `stages`, moving those labels off the other versions. */
export async function addVersion(
  db: Kysely<Database>,
  envelope: Envelope,
  secret: SecretRow,
  version: { id: string; value: SecretValue; stages: readonly string[] },
  now: number,
): Promise<void> {
  // Writing the secret row first takes its row lock on PostgreSQL: concurrent writers of one secret
  // queue here and each sees the labels the previous one left, so AWSCURRENT is never on two versions.
  await db
    .updateTable("secretsmanager_secrets")
    .set({ last_changed_at: now })
    .where("arn", "=", secret.arn)
    .execute();
  const existing = await listVersions(db, [secret.arn]);
  const moved = moveStages(
    existing.map((v) => ({ id: v.version_id, stages: stagesOf(v) })),
    version.id,
    version.stages,
  );
  for (const row of existing) {
    const next = JSON.stringify(moved.get(row.version_id) ?? []);
    if (next === row.stages) continue;
    await db
      .updateTable("secretsmanager_secret_versions")
      .set({ stages: next })
      .where("secret_arn", "=", secret.arn)
      .where("version_id", "=", row.version_id)
      .execute();
  }
  await db
    .insertInto("secretsmanager_secret_versions")
    .values({
      secret_arn: secret.arn,
      version_id: version.id,
      stages: JSON.stringify(moved.get(version.id) ?? []),
      ...sealSecret(envelope, secret.arn, version.id, version.value),
      created_at: now,
      last_accessed_at: null,
    })
    .execute();
}
