import type { Migration } from "./types.js";

/** CodePipeline executions, their stages and actions, and stage transitions. */
export const codepipelineExecutionsMigration: Migration = {
  name: "0015-codepipeline-executions",
  async up(db) {
    await db.schema
      .createTable("codepipeline_executions")
      .addColumn("execution_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pipeline_name", "text", (c) => c.notNull())
      .addColumn("pipeline_version", "integer", (c) => c.notNull())
      .addColumn("execution_mode", "text", (c) => c.notNull())
      .addColumn("execution_type", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("status_summary", "text")
      .addColumn("trigger_type", "text", (c) => c.notNull())
      .addColumn("trigger_detail", "text", (c) => c.notNull())
      .addColumn("variables", "text", (c) => c.notNull())
      .addColumn("source_revisions", "text", (c) => c.notNull())
      .addColumn("client_token", "text")
      .addColumn("waiting_for_stage", "text")
      .addColumn("stop_reason", "text")
      .addColumn("rollback_metadata", "text")
      .addColumn("ordinal", "bigint", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("codepipeline_executions_ordinal", [
        "account_id",
        "region",
        "pipeline_name",
        "ordinal",
      ])
      .execute();
    // ListPipelineExecutions (newest first) and the engine's "who else is in this pipeline".
    await db.schema
      .createIndex("codepipeline_executions_status")
      .on("codepipeline_executions")
      .columns(["account_id", "region", "pipeline_name", "status"])
      .execute();

    await db.schema
      .createTable("codepipeline_stage_executions")
      .addColumn("execution_id", "text", (c) =>
        c.notNull().references("codepipeline_executions.execution_id").onDelete("cascade"),
      )
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pipeline_name", "text", (c) => c.notNull())
      .addColumn("stage_name", "text", (c) => c.notNull())
      .addColumn("stage_index", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("retry_mode", "text")
      .addColumn("auto_retries", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("manual_retries", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codepipeline_stage_executions_pk", ["execution_id", "stage_name"])
      .execute();
    // Who holds a stage: the lock of SUPERSEDED and QUEUED modes.
    await db.schema
      .createIndex("codepipeline_stage_executions_holder")
      .on("codepipeline_stage_executions")
      .columns(["account_id", "region", "pipeline_name", "stage_name", "status"])
      .execute();

    await db.schema
      .createTable("codepipeline_action_executions")
      .addColumn("action_execution_id", "text", (c) => c.primaryKey())
      .addColumn("execution_id", "text", (c) =>
        c.notNull().references("codepipeline_executions.execution_id").onDelete("cascade"),
      )
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pipeline_name", "text", (c) => c.notNull())
      .addColumn("pipeline_version", "integer", (c) => c.notNull())
      .addColumn("stage_name", "text", (c) => c.notNull())
      .addColumn("action_name", "text", (c) => c.notNull())
      .addColumn("stage_attempt", "integer", (c) => c.notNull())
      .addColumn("run_order", "integer", (c) => c.notNull())
      .addColumn("action_type", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("input", "text", (c) => c.notNull())
      .addColumn("output", "text")
      .addColumn("summary", "text")
      .addColumn("error_code", "text")
      .addColumn("error_message", "text")
      .addColumn("external_execution_id", "text")
      .addColumn("external_execution_url", "text")
      .addColumn("token", "text")
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      // An action starts once per stage attempt, however often the engine is asked.
      .addUniqueConstraint("codepipeline_action_executions_once", [
        "execution_id",
        "stage_name",
        "action_name",
        "stage_attempt",
      ])
      .execute();
    await db.schema
      .createIndex("codepipeline_action_executions_pipeline")
      .on("codepipeline_action_executions")
      .columns(["account_id", "region", "pipeline_name", "started_at"])
      .execute();
    await db.schema
      .createIndex("codepipeline_action_executions_external")
      .on("codepipeline_action_executions")
      .column("external_execution_id")
      .execute();

    await db.schema
      .createTable("codepipeline_transitions")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pipeline_name", "text", (c) => c.notNull())
      .addColumn("stage_name", "text", (c) => c.notNull())
      .addColumn("enabled", "integer", (c) => c.notNull())
      .addColumn("disabled_reason", "text")
      .addColumn("last_changed_by", "text")
      .addColumn("last_changed_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codepipeline_transitions_pk", [
        "account_id",
        "region",
        "pipeline_name",
        "stage_name",
      ])
      .execute();
  },
};
