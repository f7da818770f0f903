/** CodeBuild (`services/codebuild`): projects, builds and test reports. */
export interface CodeBuildTables {
  codebuild_projects: {
    account_id: string;
    region: string;
    name: string;
    arn: string;
    /** JSON of the project as CreateProject/UpdateProject left it, defaults applied. */
    spec: string;
    /** The last build number handed out; build numbers count from 1 per project. */
    build_counter: number;
    created_at: number;
    last_modified_at: number;
  };
  codebuild_builds: {
    /** `project:uuid`. */
    id: string;
    account_id: string;
    region: string;
    project_name: string;
    build_number: number;
    /** AWS's `buildStatus`. */
    status: string;
    current_phase: string;
    /** `queued` (waiting for a runner), `running` (a runner has it) or `done`. */
    state: string;
    /** 1 once StopBuild was called. */
    stop_requested: number;
    idempotency_token: string | null;
    /** JSON of the rest of what BatchGetBuilds returns (phases, source, environment, logs…). */
    doc: string;
    start_time: number;
    end_time: number | null;
  };
  codebuild_report_groups: {
    arn: string;
    account_id: string;
    region: string;
    name: string;
    type: string;
    /** JSON `ReportExportConfig`. */
    export_config: string;
    /** JSON array of `{key, value}`. */
    tags: string;
    created_at: number;
    last_modified_at: number;
  };
  codebuild_reports: {
    arn: string;
    report_group_arn: string;
    /** The report group's account and region (ListReports reads one account's reports by them). */
    account_id: string;
    region: string;
    build_id: string;
    name: string;
    type: string;
    status: string;
    /** JSON `TestReportSummary`. */
    summary: string;
    created_at: number;
  };
  codebuild_test_cases: {
    report_arn: string;
    seq: number;
    status: string;
    /** JSON `TestCase` without `reportArn`. */
    doc: string;
  };
}
