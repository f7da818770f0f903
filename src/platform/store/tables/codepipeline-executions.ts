/**
 * CodePipeline executions (`services/codepipeline/executions/`): each execution, each stage it
 * entered and each action it ran, as durable state the engine advances in transactions.
 */
export interface CodePipelineExecutionTables {
  codepipeline_executions: {
    /** A UUID, as AWS's `pipelineExecutionId`. */
    execution_id: string;
    account_id: string;
    region: string;
    pipeline_name: string;
    /** The pipeline version the execution runs; its declaration is read from that version. */
    pipeline_version: number;
    /** `SUPERSEDED`, `QUEUED` or `PARALLEL`, as the pipeline was when the execution started. */
    execution_mode: string;
    /** `STANDARD` or `ROLLBACK`. */
    execution_type: string;
    /** AWS's `PipelineExecutionStatus`. */
    status: string;
    status_summary: string | null;
    /** AWS's `ExecutionTrigger`: `triggerType` and `triggerDetail`. */
    trigger_type: string;
    trigger_detail: string;
    /** JSON: the pipeline variables as resolved at start, `[{name, resolvedValue}]`. */
    variables: string;
    /** JSON: `sourceRevisions` overrides given to StartPipelineExecution (or taken from a push). */
    source_revisions: string;
    /**
     * What started it, once: StartPipelineExecution's `clientRequestToken`, or the id of the event
     * (a push) that did, so a repeated request or a redelivered event starts nothing twice.
     */
    client_token: string | null;
    /** The stage this execution waits to enter (a lock or a disabled transition holds it). */
    waiting_for_stage: string | null;
    /** StopPipelineExecution's reason (`stopTrigger`), or null. */
    stop_reason: string | null;
    /** JSON: ROLLBACK executions' `rollbackMetadata`, or null. */
    rollback_metadata: string | null;
    /** Order of start within the pipeline: larger is newer. */
    ordinal: number;
    started_at: number;
    updated_at: number;
  };
  codepipeline_stage_executions: {
    execution_id: string;
    account_id: string;
    region: string;
    pipeline_name: string;
    stage_name: string;
    /** The stage's place in the pipeline, 0 first. */
    stage_index: number;
    /** AWS's `StageExecutionStatus`. */
    status: string;
    /** 1, then one more for each RetryStageExecution. */
    attempt: number;
    /** `FAILED_ACTIONS` or `ALL_ACTIONS` for a retried stage, else null. */
    retry_mode: string | null;
    /** Retries made by the stage's `onFailure` RETRY (AWS allows one) and by RetryStageExecution. */
    auto_retries: number;
    manual_retries: number;
    started_at: number;
    updated_at: number;
  };
  codepipeline_action_executions: {
    /** A UUID, as AWS's `actionExecutionId`. */
    action_execution_id: string;
    execution_id: string;
    account_id: string;
    region: string;
    pipeline_name: string;
    pipeline_version: number;
    stage_name: string;
    action_name: string;
    stage_attempt: number;
    run_order: number;
    /** `Category/Owner/Provider/Version`. */
    action_type: string;
    /** AWS's `ActionExecutionStatus`. */
    status: string;
    /** JSON: AWS's `ActionExecutionInput` (configuration, resolved configuration, input artifacts, namespace). */
    input: string;
    /** JSON: AWS's `ActionExecutionOutput` (output artifacts, execution result, output variables), once known. */
    output: string | null;
    summary: string | null;
    error_code: string | null;
    error_message: string | null;
    external_execution_id: string | null;
    external_execution_url: string | null;
    /** The approval's token while it waits (PutApprovalResult), else null. */
    token: string | null;
    started_at: number;
    updated_at: number;
  };
  codepipeline_transitions: {
    account_id: string;
    region: string;
    pipeline_name: string;
    /** The stage whose inbound transition this is. */
    stage_name: string;
    /** 0 while DisableStageTransition holds it; no row means enabled. */
    enabled: number;
    disabled_reason: string | null;
    last_changed_by: string | null;
    last_changed_at: number;
  };
}
