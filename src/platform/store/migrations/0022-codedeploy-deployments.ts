import type { Migration } from "./types.js";

/** CodeDeploy deployments, their targets (one row per instance) and the host commands agents poll for. */
export const codedeployDeploymentsMigration: Migration = {
  name: "0022-codedeploy-deployments",
  async up(db) {
    await db.schema
      .createTable("codedeploy_deployments")
      .addColumn("deployment_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("application_name", "text", (c) => c.notNull())
      .addColumn("deployment_group_name", "text", (c) => c.notNull())
      .addColumn("deployment_group_id", "text", (c) => c.notNull())
      .addColumn("deployment_config_name", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("creator", "text", (c) => c.notNull())
      .addColumn("plan", "text", (c) => c.notNull())
      .addColumn("error_code", "text")
      .addColumn("error_message", "text")
      .addColumn("rollback_info", "text")
      .addColumn("external_id", "text")
      .addColumn("create_time", "bigint", (c) => c.notNull())
      .addColumn("start_time", "bigint")
      .addColumn("complete_time", "bigint")
      .execute();
    // ListDeployments of a group, newest first; and "is a deployment of this group running?".
    await db.schema
      .createIndex("codedeploy_deployments_by_group")
      .on("codedeploy_deployments")
      .columns(["account_id", "region", "application_name", "deployment_group_name", "create_time"])
      .execute();
    await db.schema
      .createIndex("codedeploy_deployments_by_status")
      .on("codedeploy_deployments")
      .columns(["deployment_group_id", "status"])
      .execute();
    await db.schema
      .createTable("codedeploy_deployment_targets")
      .addColumn("deployment_id", "text", (c) => c.notNull())
      .addColumn("target_id", "text", (c) => c.notNull())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("target_arn", "text", (c) => c.notNull())
      .addColumn("label", "text")
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("last_updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codedeploy_deployment_targets_pk", ["deployment_id", "target_id"])
      .execute();
    await db.schema
      .createTable("codedeploy_host_commands")
      .addColumn("host_command_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("instance_name", "text", (c) => c.notNull())
      .addColumn("deployment_id", "text", (c) => c.notNull())
      .addColumn("command_name", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("nonce", "bigint", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("acknowledged_at", "bigint")
      .addColumn("heartbeat_at", "bigint")
      .addColumn("completed_at", "bigint")
      .addColumn("diagnostics", "text")
      .execute();
    // PollHostCommand: an instance's pending commands, oldest first.
    await db.schema
      .createIndex("codedeploy_host_commands_pending")
      .on("codedeploy_host_commands")
      .columns(["account_id", "region", "instance_name", "status", "created_at"])
      .execute();
  },
};
