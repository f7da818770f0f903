import type { Migration } from "./types.js";

/** CodeBuild projects, builds, report groups, reports and their test cases. */
export const codebuildMigration: Migration = {
  name: "0006-codebuild",
  async up(db) {
    await db.schema
      .createTable("codebuild_projects")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("arn", "text", (c) => c.notNull())
      .addColumn("spec", "text", (c) => c.notNull())
      .addColumn("build_counter", "bigint", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_modified_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codebuild_projects_pk", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("codebuild_builds")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("project_name", "text", (c) => c.notNull())
      .addColumn("build_number", "bigint", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("current_phase", "text", (c) => c.notNull())
      // queued | running | done: where the build is in this server's lifecycle, beside AWS's status.
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("stop_requested", "integer", (c) => c.notNull())
      .addColumn("idempotency_token", "text")
      .addColumn("doc", "text", (c) => c.notNull())
      .addColumn("start_time", "bigint", (c) => c.notNull())
      .addColumn("end_time", "bigint")
      .execute();
    await db.schema
      .createIndex("codebuild_builds_project")
      .on("codebuild_builds")
      .columns(["account_id", "region", "project_name", "start_time"])
      .execute();
    await db.schema.createIndex("codebuild_builds_state").on("codebuild_builds").columns(["state"]).execute();
    await db.schema
      .createTable("codebuild_report_groups")
      .addColumn("arn", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("export_config", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_modified_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("codebuild_report_groups_name", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("codebuild_reports")
      .addColumn("arn", "text", (c) => c.primaryKey())
      .addColumn("report_group_arn", "text", (c) =>
        c.notNull().references("codebuild_report_groups.arn").onDelete("cascade"),
      )
      .addColumn("build_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("codebuild_test_cases")
      .addColumn("report_arn", "text", (c) =>
        c.notNull().references("codebuild_reports.arn").onDelete("cascade"),
      )
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("doc", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("codebuild_test_cases_pk", ["report_arn", "seq"])
      .execute();
  },
};
