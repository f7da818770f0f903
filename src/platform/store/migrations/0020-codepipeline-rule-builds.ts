import type { Migration } from "./types.js";

/**
 * A rule run's external execution: the build a Commands rule runs its commands in (its id, and its
 * log as URL), as `RuleExecutionResult` shows them.
 */
export const codepipelineRuleBuildsMigration: Migration = {
  name: "0020-codepipeline-rule-builds",
  async up(db) {
    await db.schema
      .alterTable("codepipeline_rule_executions")
      .addColumn("external_execution_id", "text")
      .execute();
    await db.schema
      .alterTable("codepipeline_rule_executions")
      .addColumn("external_execution_url", "text")
      .execute();
  },
};
