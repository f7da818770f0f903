import { sql } from "kysely";
import type { Migration } from "./types.js";

/**
 * Listings of SSM parameters and Secrets Manager secrets read pages from indexes by name. On
 * PostgreSQL the names become byte-ordered (`collate "C"`, see `orderedTextType`) so that the
 * index order, `ORDER BY` and keyset comparisons agree with SQLite's; SQLite already compares bytes.
 */
export const ssmSecretsListingsMigration: Migration = {
  name: "0025-ssm-secrets-listings",
  async up(db, dialect) {
    if (dialect === "postgres") {
      // Both tables of a join on name must share a collation, or PostgreSQL cannot compare them.
      for (const table of ["ssm_parameters", "ssm_parameter_versions"]) {
        await sql`alter table ${sql.table(table)} alter column name type text collate "C"`.execute(db);
      }
    }
  },
};
