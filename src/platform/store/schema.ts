import type { BusTables } from "./tables/bus.js";
import type { CodeBuildTables } from "./tables/codebuild.js";
import type { CodeCommitPullRequestTables } from "./tables/codecommit-pull-requests.js";
import type { CodeCommitTables } from "./tables/codecommit.js";
import type { CodeDeployTables } from "./tables/codedeploy.js";
import type { CodePipelineTables } from "./tables/codepipeline.js";
import type { CodePipelineExecutionTables } from "./tables/codepipeline-executions.js";
import type { CodePipelineJobTables } from "./tables/codepipeline-jobs.js";
import type { CodePipelineConditionTables } from "./tables/codepipeline-conditions.js";
import type { CodeDeployDeploymentTables } from "./tables/codedeploy-deployments.js";
import type { IamGitCredentialTables } from "./tables/iam-git-credentials.js";
import type { IamSshKeyTables } from "./tables/iam-ssh-keys.js";
import type { IamTables } from "./tables/iam.js";
import type { LogsTables } from "./tables/logs.js";
import type { QueueTables } from "./tables/queue.js";
import type { S3Tables } from "./tables/s3.js";
import type { SecretsManagerTables } from "./tables/secretsmanager.js";
import type { SsmTables } from "./tables/ssm.js";

/**
 * Every table Pipewright stores, by name. Each group's columns are declared in `tables/<group>.ts`
 * beside the migration that creates them. Times are epoch milliseconds in `bigint` columns; JSON is
 * text; booleans are 0/1 integers, so the same queries run on SQLite and PostgreSQL.
 */
export type Database = IamTables &
  QueueTables &
  BusTables &
  S3Tables &
  SsmTables &
  SecretsManagerTables &
  CodeBuildTables &
  LogsTables &
  CodeCommitTables &
  CodeCommitPullRequestTables &
  IamGitCredentialTables &
  IamSshKeyTables &
  CodePipelineTables &
  CodePipelineExecutionTables &
  CodePipelineJobTables &
  CodePipelineConditionTables &
  CodeDeployTables &
  CodeDeployDeploymentTables;
