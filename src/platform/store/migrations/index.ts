import { iamMigration } from "./0001-iam.js";
import { queueMigration } from "./0002-queue.js";
import { busMigration } from "./0003-bus.js";
import { s3Migration } from "./0004-s3.js";
import { ssmSecretsMigration } from "./0005-ssm-secrets.js";
import { codebuildMigration } from "./0006-codebuild.js";
import { logsMigration } from "./0007-logs.js";
import { codecommitMigration } from "./0008-codecommit.js";
import { codecommitPullRequestsMigration } from "./0009-codecommit-pull-requests.js";
import { iamGitCredentialsMigration } from "./0010-iam-git-credentials.js";
import { iamSshKeysMigration } from "./0012-iam-ssh-keys.js";
import { logsChunksMigration } from "./0013-logs-chunks.js";
import { codepipelineMigration } from "./0014-codepipeline.js";
import { codepipelineExecutionsMigration } from "./0015-codepipeline-executions.js";
import { codepipelineJobsMigration } from "./0016-codepipeline-jobs.js";
import { codepipelineConditionsMigration } from "./0017-codepipeline-conditions.js";
import { codepipelineRuleBuildsMigration } from "./0020-codepipeline-rule-builds.js";
import { codedeployMigration } from "./0021-codedeploy.js";
import { codedeployDeploymentsMigration } from "./0022-codedeploy-deployments.js";
import { codedeployInstanceTargetsMigration } from "./0023-codedeploy-instance-targets.js";
import { codedeployDeploymentPhaseMigration } from "./0024-codedeploy-deployment-phase.js";
import { ssmSecretsListingsMigration } from "./0025-ssm-secrets-listings.js";
import { codecommitListingsMigration } from "./0026-codecommit-listings.js";
import { codebuildLogsListingsMigration } from "./0027-codebuild-logs-listings.js";
import { pipelineDeployListingsMigration } from "./0028-pipeline-deploy-listings.js";
import { s3IamListingsMigration } from "./0029-s3-iam-listings.js";
import { retentionMigration } from "./0030-retention.js";
import { secretsListMigration } from "./0031-secrets-list.js";
import { codedeployListingsMigration } from "./0032-codedeploy-listings.js";
import type { Migration } from "./types.js";

/** Every migration, in order. Append new ones at the end. */
export const migrations: readonly Migration[] = [
  iamMigration,
  queueMigration,
  busMigration,
  s3Migration,
  ssmSecretsMigration,
  codebuildMigration,
  logsMigration,
  codecommitMigration,
  codecommitPullRequestsMigration,
  iamGitCredentialsMigration,
  iamSshKeysMigration,
  logsChunksMigration,
  codepipelineMigration,
  codepipelineExecutionsMigration,
  codepipelineJobsMigration,
  codepipelineConditionsMigration,
  codepipelineRuleBuildsMigration,
  codedeployMigration,
  codedeployDeploymentsMigration,
  codedeployInstanceTargetsMigration,
  codedeployDeploymentPhaseMigration,
  ssmSecretsListingsMigration,
  codecommitListingsMigration,
  codebuildLogsListingsMigration,
  pipelineDeployListingsMigration,
  s3IamListingsMigration,
  retentionMigration,
  secretsListMigration,
  codedeployListingsMigration,
];

export { serialType, binaryType, orderedTextType, type Migration } from "./types.js";
