/** CodePipeline custom action types and the jobs their workers poll for (`services/codepipeline/jobs/`). */
export interface CodePipelineJobTables {
  codepipeline_custom_action_types: {
    account_id: string;
    region: string;
    category: string;
    provider: string;
    version: string;
    /** JSON: settings, configurationProperties, inputArtifactDetails, outputArtifactDetails. */
    definition: string;
    /** JSON array of `{ key, value }`. */
    tags: string;
    created_at: number;
    /** Set by DeleteCustomActionType: the version can never be created again, as on AWS. */
    deleted_at: number | null;
  };
  codepipeline_jobs: {
    /** A UUID, as AWS's job ids. */
    job_id: string;
    account_id: string;
    region: string;
    action_execution_id: string;
    /** `Category/Custom/Provider/Version`: what PollForJobs asks for. */
    action_type: string;
    /** Given with the job at PollForJobs; AcknowledgeJob must return it. */
    nonce: string;
    /** AWS's `JobStatus`: Queued, Dispatched, InProgress, Succeeded, Failed. */
    status: string;
    /** JSON: AWS's `JobData`. */
    data: string;
    created_at: number;
    updated_at: number;
  };
}
