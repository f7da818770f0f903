import { byteOrdered, type Migration } from "./types.js";

/**
 * Listings of SSM parameters and Secrets Manager secret versions read pages from indexes. On
 * PostgreSQL the names become byte-ordered (`collate "C"`, see `orderedTextType`) so that the
 * index order, `ORDER BY` and keyset comparisons agree with SQLite's; SQLite already compares bytes.
 */
export const ssmSecretsListingsMigration: Migration = {
  name: "0025-ssm-secrets-listings",
  async up(db, dialect) {
    // Both tables of a join on name must share a collation, or PostgreSQL cannot compare them.
    for (const table of ["ssm_parameters", "ssm_parameter_versions"]) {
      await byteOrdered(db, dialect, table, ["name"]);
    }
    // A secret's versions, oldest first: ListSecretVersionIds resumes after (created_at, version_id).
    await db.schema
      .createIndex("secretsmanager_secret_versions_age")
      .on("secretsmanager_secret_versions")
      .columns(["secret_arn", "created_at", "version_id"])
      .execute();
    // The secrets whose recovery window has ended, found without reading the others.
    await db.schema
      .createIndex("secretsmanager_secrets_deletion")
      .on("secretsmanager_secrets")
      .columns(["account_id", "region", "deletion_date"])
      .execute();
  },
};
