/** CodePipeline stage conditions and their rule executions (`services/codepipeline/executions/conditions*`). */
export interface CodePipelineConditionTables {
  /** One evaluation of a stage's condition for one execution and one attempt of the stage. */
  codepipeline_stage_conditions: {
    execution_id: string;
    account_id: string;
    region: string;
    pipeline_name: string;
    stage_name: string;
    /** BEFORE_ENTRY, ON_SUCCESS or ON_FAILURE. */
    condition_type: string;
    /** The stage attempt it was evaluated for (0 for BEFORE_ENTRY: the stage was not entered). */
    stage_attempt: number;
    /** AWS's `ConditionExecutionStatus`: InProgress, Failed, Errored, Succeeded, Overridden, … */
    status: string;
    summary: string | null;
    /** While InProgress: when its rules are evaluated again (a DeploymentWindow that opens then). */
    recheck_at: number | null;
    /** Who overrode it (OverrideStageCondition). */
    overridden_by: string | null;
    started_at: number;
    updated_at: number;
  };
  /** One run of a rule of a stage condition (AWS's `RuleExecutionDetail`). */
  codepipeline_rule_executions: {
    rule_execution_id: string;
    execution_id: string;
    account_id: string;
    region: string;
    pipeline_name: string;
    pipeline_version: number;
    stage_name: string;
    condition_type: string;
    stage_attempt: number;
    rule_name: string;
    /** AWS's `RuleExecutionStatus`: InProgress, Abandoned, Succeeded, Failed. */
    status: string;
    /** JSON: AWS's `RuleExecutionInput` (ruleTypeId, configuration, resolvedConfiguration, region). */
    input: string;
    summary: string | null;
    error_code: string | null;
    error_message: string | null;
    /** The build a Commands rule runs in, and its log's link (migration 0020). */
    external_execution_id: string | null;
    external_execution_url: string | null;
    started_at: number;
    updated_at: number;
  };
}
