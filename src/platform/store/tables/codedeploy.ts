/**
 * CodeDeploy (`services/codedeploy`): applications, revisions, deployment configurations, deployment
 * groups and on-premises instances. JSON columns hold AWS's camelCase shapes.
 */
export interface CodeDeployTables {
  codedeploy_applications: {
    /** A UUID, as AWS's `applicationId`. */
    application_id: string;
    account_id: string;
    region: string;
    /** Unique in the account and region; UpdateApplication changes it. */
    name: string;
    /** `Server`, `Lambda` or `ECS`. */
    compute_platform: string;
    /** JSON array of `{ Key, Value }`. */
    tags: string;
    created_at: number;
  };
  /** One row per distinct revision of an application; deleted with it. */
  codedeploy_revisions: {
    application_id: string;
    /** The revision's identity (see `revisionKey`): the same location registered twice is one row. */
    revision_key: string;
    /** JSON `RevisionLocation`, as GetApplicationRevision returns it. */
    revision: string;
    /** `S3`, `GitHub`, `String` or `AppSpecContent`. */
    revision_type: string;
    /** For S3 revisions, ListApplicationRevisions' `s3Bucket` and `s3KeyPrefix` filters. */
    s3_bucket: string | null;
    s3_key: string | null;
    description: string | null;
    register_time: number;
    /** Set by the deployment engine the first time a deployment uses the revision. */
    first_used_time: number | null;
    last_used_time: number | null;
  };
  /** Custom deployment configurations; the built-in `CodeDeployDefault.*` ones are not stored. */
  codedeploy_deployment_configs: {
    account_id: string;
    region: string;
    name: string;
    deployment_config_id: string;
    compute_platform: string;
    /** JSON `{ minimumHealthyHosts?, trafficRoutingConfig?, zonalConfig? }`. */
    config: string;
    created_at: number;
  };
  codedeploy_deployment_groups: {
    /** A UUID, as AWS's `deploymentGroupId`. */
    deployment_group_id: string;
    account_id: string;
    region: string;
    application_id: string;
    /** Unique within the application. */
    name: string;
    /** Copied out of `info` so DeleteDeploymentConfig can find the groups using a configuration. */
    deployment_config_name: string;
    /** JSON `DeploymentGroupInfo` without its names, id and the three deployment-engine fields below. */
    info: string;
    /** JSON array of `{ Key, Value }`. */
    tags: string;
    /** JSON `LastDeploymentInfo`, set by the deployment engine. */
    last_attempted: string | null;
    last_successful: string | null;
    /** JSON `RevisionLocation` of the group's last deployment, and its `revisionKey`. */
    target_revision: string | null;
    target_revision_key: string | null;
    created_at: number;
  };
  codedeploy_instances: {
    account_id: string;
    region: string;
    name: string;
    iam_session_arn: string | null;
    iam_user_arn: string | null;
    /** JSON array of `{ Key, Value }`. */
    tags: string;
    register_time: number;
    /** Set once deregistered: the instance is then listed as `Deregistered`. */
    deregister_time: number | null;
  };
}
