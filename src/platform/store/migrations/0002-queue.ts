import { sql } from "kysely";
import { serialType, type Migration } from "./types.js";

export const queueMigration: Migration = {
  name: "0002-queue",
  async up(db, dialect) {
    await db.schema
      .createTable("jobs")
      // AUTOINCREMENT on SQLite: without it a deleted (completed) highest id is handed out again.
      .addColumn("id", serialType(dialect), (c) =>
        dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey(),
      )
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("run_at", "bigint", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("max_attempts", "integer", (c) => c.notNull())
      .addColumn("lease_owner", "text")
      .addColumn("lease_expires_at", "bigint")
      .addColumn("last_error", "text")
      .addColumn("failed_at", "bigint")
      .addColumn("key", "text", (c) => c.unique())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    // The claim query's path: live jobs of some kinds, earliest run_at first.
    await db.schema
      .createIndex("jobs_claimable")
      .on("jobs")
      .columns(["kind", "run_at"])
      .where(sql.ref("failed_at"), "is", null)
      .execute();
  },
};
