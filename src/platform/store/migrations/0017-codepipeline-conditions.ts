import type { Migration } from "./types.js";

/** CodePipeline V2 stage conditions: their evaluations and the runs of their rules. */
export const codepipelineConditionsMigration: Migration = {
  name: "0017-codepipeline-conditions",
  async up(db) {
    await db.schema
      .createTable("codepipeline_stage_conditions")
      .addColumn("execution_id", "text", (c) => c.notNull())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pipeline_name", "text", (c) => c.notNull())
      .addColumn("stage_name", "text", (c) => c.notNull())
      .addColumn("condition_type", "text", (c) => c.notNull())
      .addColumn("stage_attempt", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("summary", "text")
      .addColumn("recheck_at", "bigint")
      .addColumn("overridden_by", "text")
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codepipeline_stage_conditions_pk", [
        "execution_id",
        "stage_name",
        "condition_type",
        "stage_attempt",
      ])
      .execute();
    // GetPipelineState: a stage's latest condition evaluation of each type.
    await db.schema
      .createIndex("codepipeline_stage_conditions_stage")
      .on("codepipeline_stage_conditions")
      .columns(["account_id", "region", "pipeline_name", "stage_name", "updated_at"])
      .execute();
    await db.schema
      .createTable("codepipeline_rule_executions")
      .addColumn("rule_execution_id", "text", (c) => c.primaryKey())
      .addColumn("execution_id", "text", (c) => c.notNull())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pipeline_name", "text", (c) => c.notNull())
      .addColumn("pipeline_version", "integer", (c) => c.notNull())
      .addColumn("stage_name", "text", (c) => c.notNull())
      .addColumn("condition_type", "text", (c) => c.notNull())
      .addColumn("stage_attempt", "integer", (c) => c.notNull())
      .addColumn("rule_name", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("input", "text", (c) => c.notNull())
      .addColumn("summary", "text")
      .addColumn("error_code", "text")
      .addColumn("error_message", "text")
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    // ListRuleExecutions: a pipeline's rule runs, newest first.
    await db.schema
      .createIndex("codepipeline_rule_executions_pipeline")
      .on("codepipeline_rule_executions")
      .columns(["account_id", "region", "pipeline_name", "started_at"])
      .execute();
    await db.schema
      .createIndex("codepipeline_rule_executions_execution")
      .on("codepipeline_rule_executions")
      .columns(["execution_id", "stage_name", "condition_type", "stage_attempt"])
      .execute();
  },
};
