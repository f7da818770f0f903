import type { Migration } from "./types.js";

/**
 * CodeDeploy's control plane: applications, their revisions, custom deployment configurations,
 * deployment groups and on-premises instances. Deployments arrive in a later migration. Groups and
 * revisions point at their application by id, so renaming an application (UpdateApplication) is
 * one update; built-in deployment configurations are not rows (they are the same everywhere).
 */
export const codedeployMigration: Migration = {
  name: "0021-codedeploy",
  async up(db) {
    await db.schema
      .createTable("codedeploy_applications")
      .addColumn("application_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("compute_platform", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("codedeploy_applications_name", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("codedeploy_revisions")
      .addColumn("application_id", "text", (c) =>
        c.notNull().references("codedeploy_applications.application_id").onDelete("cascade"),
      )
      .addColumn("revision_key", "text", (c) => c.notNull())
      .addColumn("revision", "text", (c) => c.notNull())
      .addColumn("revision_type", "text", (c) => c.notNull())
      .addColumn("s3_bucket", "text")
      .addColumn("s3_key", "text")
      .addColumn("description", "text")
      .addColumn("register_time", "bigint", (c) => c.notNull())
      .addColumn("first_used_time", "bigint")
      .addColumn("last_used_time", "bigint")
      .addPrimaryKeyConstraint("codedeploy_revisions_pk", ["application_id", "revision_key"])
      .execute();
    await db.schema
      .createTable("codedeploy_deployment_configs")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("deployment_config_id", "text", (c) => c.notNull())
      .addColumn("compute_platform", "text", (c) => c.notNull())
      .addColumn("config", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codedeploy_deployment_configs_pk", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("codedeploy_deployment_groups")
      .addColumn("deployment_group_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("application_id", "text", (c) =>
        c.notNull().references("codedeploy_applications.application_id").onDelete("cascade"),
      )
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("deployment_config_name", "text", (c) => c.notNull())
      .addColumn("info", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("last_attempted", "text")
      .addColumn("last_successful", "text")
      .addColumn("target_revision", "text")
      .addColumn("target_revision_key", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("codedeploy_deployment_groups_name", ["application_id", "name"])
      .execute();
    await db.schema
      .createIndex("codedeploy_deployment_groups_config")
      .on("codedeploy_deployment_groups")
      .columns(["account_id", "region", "deployment_config_name"])
      .execute();
    await db.schema
      .createTable("codedeploy_instances")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("iam_session_arn", "text")
      .addColumn("iam_user_arn", "text")
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("register_time", "bigint", (c) => c.notNull())
      .addColumn("deregister_time", "bigint")
      .addPrimaryKeyConstraint("codedeploy_instances_pk", ["account_id", "region", "name"])
      .execute();
  },
};
