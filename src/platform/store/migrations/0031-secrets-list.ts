import { sql } from "kysely";
import { byteOrdered, type Migration } from "./types.js";

/** The sort keys ListSecrets orders by, besides the name (which the unique name index serves). */
const SORT_KEYS = {
  created: "created_at",
  changed: "last_changed_at",
  // A secret never read sorts as if read at time 0.
  accessed: "(coalesce(last_accessed_at, 0))",
} as const;

/**
 * ListSecrets reads one page from an index in every sort order. Ties sort by ARN ascending in both
 * directions, so each date key needs an ascending and a descending index (an index read backwards
 * would reverse the ARNs too). On PostgreSQL the names and ARNs become byte-ordered (`collate "C"`,
 * see `orderedTextType`) so that index order and keyset comparisons agree with SQLite's.
 */
export const secretsListMigration: Migration = {
  name: "0031-secrets-list",
  async up(db, dialect) {
    await byteOrdered(db, dialect, "secretsmanager_secrets", ["name", "arn"]);
    // The foreign key's column shares the collation of the ARN it references.
    await byteOrdered(db, dialect, "secretsmanager_secret_versions", ["secret_arn"]);
    for (const [suffix, key] of Object.entries(SORT_KEYS)) {
      for (const direction of ["asc", "desc"] as const) {
        const index = sql.id(`secretsmanager_secrets_${suffix}_${direction}`);
        await sql`create index ${index} on secretsmanager_secrets
          (account_id, region, ${sql.raw(key)} ${sql.raw(direction)}, arn)`.execute(db);
      }
    }
  },
};
