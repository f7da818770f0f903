import type { Migration } from "./types.js";

/**
 * CodePipeline pipelines and every version of each one's declaration (GetPipeline can ask for any
 * version). A pipeline's executions arrive in a later migration.
 */
export const codepipelineMigration: Migration = {
  name: "0014-codepipeline",
  async up(db) {
    await db.schema
      .createTable("codepipeline_pipelines")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("version", "bigint", (c) => c.notNull())
      .addColumn("pipeline_type", "text", (c) => c.notNull())
      .addColumn("execution_mode", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codepipeline_pipelines_pk", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("codepipeline_pipeline_versions")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("version", "bigint", (c) => c.notNull())
      .addColumn("declaration", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codepipeline_pipeline_versions_pk", [
        "account_id",
        "region",
        "name",
        "version",
      ])
      .addForeignKeyConstraint(
        "codepipeline_pipeline_versions_pipeline",
        ["account_id", "region", "name"],
        "codepipeline_pipelines",
        ["account_id", "region", "name"],
        (fk) => fk.onDelete("cascade"),
      )
      .execute();
  },
};
