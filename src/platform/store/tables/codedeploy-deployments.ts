/** CodeDeploy deployments and what agents do for them (`services/codedeploy/deployments`, `commands`). */
export interface CodeDeployDeploymentTables {
  codedeploy_deployments: {
    deployment_id: string;
    account_id: string;
    region: string;
    application_name: string;
    deployment_group_name: string;
    deployment_group_id: string;
    deployment_config_name: string;
    /** AWS's `DeploymentStatus`: Created, Queued, InProgress, Baking, Succeeded, Failed, Stopped, Ready. */
    status: string;
    /** AWS's `DeploymentCreator`: user, codeDeployRollback, CodeDeployAutoUpdate, … */
    creator: string;
    /** JSON: what the deployment was asked to do, fixed at creation (`DeploymentPlan`). */
    plan: string;
    error_code: string | null;
    error_message: string | null;
    /** JSON: AWS's `RollbackInfo`. */
    rollback_info: string | null;
    external_id: string | null;
    create_time: number;
    start_time: number | null;
    complete_time: number | null;
    /**
     * Blue/green only: `install` (the replacement instances), `ready` (waiting for
     * ContinueDeployment), `reroute` (they take traffic), `block` (the original ones give it up),
     * `terminate` (waiting to release the original ones); null in place.
     */
    phase: string | null;
  };
  /** One instance of a deployment, with its lifecycle events. */
  codedeploy_deployment_targets: {
    deployment_id: string;
    /** The on-premises instance's name. */
    target_id: string;
    account_id: string;
    region: string;
    target_arn: string;
    /** Blue or Green in a blue/green deployment. */
    label: string | null;
    /** Order of deployment: instances left failed come first. */
    position: number;
    /** AWS's `TargetStatus`. */
    status: string;
    /** JSON: the lifecycle events (`StoredLifecycleEvent[]`). */
    events: string;
    last_updated_at: number;
  };
  /** One lifecycle event handed to an instance's agent (CodeDeploy's command service). */
  codedeploy_host_commands: {
    host_command_id: string;
    account_id: string;
    region: string;
    instance_name: string;
    deployment_id: string;
    command_name: string;
    /** Pending (not yet acknowledged), InProgress, Succeeded or Failed. */
    status: string;
    nonce: number;
    created_at: number;
    acknowledged_at: number | null;
    heartbeat_at: number | null;
    completed_at: number | null;
    /** JSON: the agent's last diagnostics (`{error_code, script_name, message, log}`). */
    diagnostics: string | null;
  };
}
