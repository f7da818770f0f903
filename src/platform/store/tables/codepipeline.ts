/** CodePipeline (`services/codepipeline`): pipelines and every version of their declarations. */
export interface CodePipelineTables {
  codepipeline_pipelines: {
    account_id: string;
    region: string;
    name: string;
    /** The current version: 1 at creation, one more with each UpdatePipeline. */
    version: number;
    /** `V1` or `V2`, of the current version. */
    pipeline_type: string;
    /** `SUPERSEDED`, `QUEUED` or `PARALLEL`, of the current version. */
    execution_mode: string;
    /** JSON array of `{ key, value }`, in the order they were first set. */
    tags: string;
    created_at: number;
    updated_at: number;
  };
  /** One row per version ever made; deleted with the pipeline. */
  codepipeline_pipeline_versions: {
    account_id: string;
    region: string;
    name: string;
    version: number;
    /** JSON of the checked `PipelineDeclaration` (defaults filled in), as GetPipeline returns it. */
    declaration: string;
    created_at: number;
  };
}
