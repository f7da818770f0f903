import { sql } from "kysely";
import type { Migration } from "./types.js";

/**
 * Indexes the retention sweeper deletes through (src/platform/retention), so each batch reads only
 * the rows it deletes. Events need none: they are pruned oldest first by seq, their key.
 */
export const retentionMigration: Migration = {
  name: "0030-retention",
  async up(db) {
    // Dead jobs by when they died; partial, so live jobs (the busy part of the table) are not in it.
    await db.schema
      .createIndex("jobs_dead")
      .on("jobs")
      .column("failed_at")
      .where(sql.ref("failed_at"), "is not", null)
      .execute();
    await db.schema
      .createIndex("codecommit_pull_request_handled_events_time")
      .on("codecommit_pull_request_handled_events")
      .column("handled_at")
      .execute();
  },
};
