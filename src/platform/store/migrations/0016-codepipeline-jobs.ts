import type { Migration } from "./types.js";

/** CodePipeline custom action types, and the jobs their workers poll for. */
export const codepipelineJobsMigration: Migration = {
  name: "0016-codepipeline-jobs",
  async up(db) {
    await db.schema
      .createTable("codepipeline_custom_action_types")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("category", "text", (c) => c.notNull())
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("definition", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("deleted_at", "bigint")
      .addPrimaryKeyConstraint("codepipeline_custom_action_types_pk", [
        "account_id",
        "region",
        "category",
        "provider",
        "version",
      ])
      .execute();
    await db.schema
      .createTable("codepipeline_jobs")
      .addColumn("job_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("action_execution_id", "text", (c) => c.notNull())
      .addColumn("action_type", "text", (c) => c.notNull())
      .addColumn("nonce", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    // PollForJobs: the queued jobs of one action type, oldest first.
    await db.schema
      .createIndex("codepipeline_jobs_queued")
      .on("codepipeline_jobs")
      .columns(["account_id", "region", "action_type", "status", "created_at"])
      .execute();
  },
};
