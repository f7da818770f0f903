import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { byteOrdered, type Migration } from "./types.js";

/**
 * Indexes that let CodePipeline's and CodeDeploy's listings read one page in the order they
 * answer, and byte-ordered names on PostgreSQL (see `orderedTextType`) where a listing resumes
 * after a name.
 */
export const pipelineDeployListingsMigration: Migration = {
  name: "0028-pipeline-deploy-listings",
  async up(db, dialect) {
    await codepipelineIndexes(db, dialect);
    // ListApplications, ListDeploymentGroups, ListDeploymentConfigs and ListOnPremisesInstances
    // resume after a name.
    await byteOrdered(db, dialect, "codedeploy_applications", ["name"]);
    await byteOrdered(db, dialect, "codedeploy_deployment_groups", ["name"]);
    await byteOrdered(db, dialect, "codedeploy_deployment_configs", ["name"]);
    await byteOrdered(db, dialect, "codedeploy_instances", ["name"]);
  },
};

async function codepipelineIndexes(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // ListPipelines resumes after a name; ListActionTypes after a custom type's category/provider/version.
  await byteOrdered(db, dialect, "codepipeline_pipeline_versions", ["name"]);
  await byteOrdered(db, dialect, "codepipeline_pipelines", ["name"]);
  await byteOrdered(db, dialect, "codepipeline_custom_action_types", ["category", "provider", "version"]);
  // An execution's actions in start order (ListPipelineExecutions' source revisions,
  // ListActionExecutions of one execution).
  await db.schema
    .createIndex("codepipeline_action_executions_started")
    .on("codepipeline_action_executions")
    .columns(["execution_id", "started_at", "action_execution_id"])
    .execute();
  // GetPipelineState: each action's latest run.
  await db.schema
    .createIndex("codepipeline_action_executions_latest")
    .on("codepipeline_action_executions")
    .columns([
      "account_id",
      "region",
      "pipeline_name",
      "stage_name",
      "action_name",
      "started_at",
      "stage_attempt",
    ])
    .execute();
  // GetPipelineState: each stage's latest execution, and the executions waiting to enter it.
  await db.schema
    .createIndex("codepipeline_stage_executions_started")
    .on("codepipeline_stage_executions")
    .columns(["account_id", "region", "pipeline_name", "stage_name", "started_at"])
    .execute();
  await db.schema
    .createIndex("codepipeline_executions_waiting")
    .on("codepipeline_executions")
    .columns(["account_id", "region", "pipeline_name", "waiting_for_stage", "status", "ordinal"])
    .execute();
  // ListRuleExecutions of one execution, and GetPipelineState's latest run of each rule.
  await db.schema
    .createIndex("codepipeline_rule_executions_started")
    .on("codepipeline_rule_executions")
    .columns(["execution_id", "started_at", "rule_execution_id"])
    .execute();
  await db.schema
    .createIndex("codepipeline_rule_executions_latest")
    .on("codepipeline_rule_executions")
    .columns([
      "execution_id",
      "stage_name",
      "condition_type",
      "stage_attempt",
      "rule_name",
      "started_at",
      "rule_execution_id",
    ])
    .execute();
}
