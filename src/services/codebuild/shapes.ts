import { z } from "zod";
import { awsEnum, awsInt, awsList, awsString } from "../kit/index.js";

// Request shapes from the botocore `codebuild` 2016-10-06 model. Members Pipewright does not act on
// (VPC, fleets, file systems…) are accepted and kept, so clients that send them still work.

export const SOURCE_TYPES = [
  "CODECOMMIT",
  "CODEPIPELINE",
  "GITHUB",
  "GITLAB",
  "GITLAB_SELF_MANAGED",
  "S3",
  "BITBUCKET",
  "GITHUB_ENTERPRISE",
  "NO_SOURCE",
] as const;
/** The source types this server can fetch. */
export const SUPPORTED_SOURCE_TYPES = new Set(["NO_SOURCE", "S3", "CODEPIPELINE", "CODECOMMIT"]);

export const ENVIRONMENT_TYPES = [
  "WINDOWS_CONTAINER",
  "LINUX_CONTAINER",
  "LINUX_GPU_CONTAINER",
  "ARM_CONTAINER",
  "WINDOWS_SERVER_2019_CONTAINER",
  "WINDOWS_SERVER_2022_CONTAINER",
  "LINUX_LAMBDA_CONTAINER",
  "ARM_LAMBDA_CONTAINER",
  "LINUX_EC2",
  "ARM_EC2",
  "WINDOWS_EC2",
  "MAC_ARM",
] as const;

export const COMPUTE_TYPES = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
  "BUILD_LAMBDA_1GB",
  "BUILD_LAMBDA_2GB",
  "BUILD_LAMBDA_4GB",
  "BUILD_LAMBDA_8GB",
  "BUILD_LAMBDA_10GB",
  "ATTRIBUTE_BASED_COMPUTE",
  "CUSTOM_INSTANCE_TYPE",
] as const;

export const ProjectName = awsString(2, 150).regex(
  /^[A-Za-z0-9][A-Za-z0-9\-_]{1,149}$/,
  "Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}",
);

export const ProjectSource = z.looseObject({
  type: awsEnum(SOURCE_TYPES),
  location: z.string().optional(),
  gitCloneDepth: awsInt(0, 2 ** 31 - 1).optional(),
  buildspec: z.string().optional(),
  insecureSsl: z.boolean().optional(),
  reportBuildStatus: z.boolean().optional(),
  sourceIdentifier: z.string().optional(),
});
export type ProjectSource = z.output<typeof ProjectSource>;

export const ProjectArtifacts = z.looseObject({
  type: awsEnum(["CODEPIPELINE", "S3", "NO_ARTIFACTS"]),
  location: z.string().optional(),
  path: z.string().optional(),
  namespaceType: awsEnum(["NONE", "BUILD_ID"]).optional(),
  name: z.string().optional(),
  packaging: awsEnum(["NONE", "ZIP"]).optional(),
  overrideArtifactName: z.boolean().optional(),
  encryptionDisabled: z.boolean().optional(),
  artifactIdentifier: z.string().optional(),
  bucketOwnerAccess: awsEnum(["NONE", "READ_ONLY", "FULL"]).optional(),
});
export type ProjectArtifacts = z.output<typeof ProjectArtifacts>;

export const EnvironmentVariable = z.object({
  name: awsString(1),
  value: z.string(),
  type: awsEnum(["PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER"]).optional(),
});
export type EnvironmentVariableInput = z.output<typeof EnvironmentVariable>;

export const ProjectEnvironment = z.looseObject({
  type: awsEnum(ENVIRONMENT_TYPES),
  image: awsString(1),
  computeType: awsEnum(COMPUTE_TYPES),
  environmentVariables: z.array(EnvironmentVariable).optional(),
  privilegedMode: z.boolean().optional(),
  certificate: z.string().optional(),
  imagePullCredentialsType: awsEnum(["CODEBUILD", "SERVICE_ROLE"]).optional(),
});
export type ProjectEnvironment = z.output<typeof ProjectEnvironment>;

export const ProjectCache = z.looseObject({
  type: awsEnum(["NO_CACHE", "S3", "LOCAL"]),
  location: z.string().optional(),
  modes: z
    .array(awsEnum(["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE", "LOCAL_CUSTOM_CACHE"]))
    .optional(),
  cacheNamespace: z.string().optional(),
});
export type ProjectCache = z.output<typeof ProjectCache>;

const Status = awsEnum(["ENABLED", "DISABLED"]);
export const LogsConfig = z.object({
  cloudWatchLogs: z
    .object({ status: Status, groupName: z.string().optional(), streamName: z.string().optional() })
    .optional(),
  s3Logs: z
    .looseObject({
      status: Status,
      location: z.string().optional(),
      encryptionDisabled: z.boolean().optional(),
    })
    .optional(),
});
export type LogsConfig = z.output<typeof LogsConfig>;

/**
 * AWS's `VpcConfig`. A project with one gets the host's network (its private services, loopback
 * included) instead of a network of its own: the VPC's ids name nothing here and are kept as given.
 */
export const VpcConfig = z.object({
  vpcId: awsString(1).optional(),
  subnets: awsList(awsString(1), 0, 16).optional(),
  securityGroupIds: awsList(awsString(1), 0, 5).optional(),
});
export type VpcConfig = z.infer<typeof VpcConfig>;

export const Tag = z.object({ key: awsString(1, 127).optional(), value: awsString(0, 255).optional() });

const SourceVersion = z.object({ sourceIdentifier: z.string(), sourceVersion: z.string() });

/** The members CreateProject and UpdateProject share. */
export const ProjectFields = {
  description: awsString(0, 255).optional(),
  source: ProjectSource,
  secondarySources: awsList(ProjectSource, 0, 12).optional(),
  sourceVersion: z.string().optional(),
  secondarySourceVersions: awsList(SourceVersion, 0, 12).optional(),
  artifacts: ProjectArtifacts,
  secondaryArtifacts: awsList(ProjectArtifacts, 0, 12).optional(),
  cache: ProjectCache.optional(),
  environment: ProjectEnvironment,
  serviceRole: awsString(1),
  timeoutInMinutes: awsInt(5, 2160).optional(),
  queuedTimeoutInMinutes: awsInt(5, 480).optional(),
  encryptionKey: awsString(1).optional(),
  tags: awsList(Tag, 0, 50).optional(),
  vpcConfig: VpcConfig.optional(),
  badgeEnabled: z.boolean().optional(),
  logsConfig: LogsConfig.optional(),
  fileSystemLocations: z.array(z.unknown()).optional(),
  buildBatchConfig: z.unknown().optional(),
  concurrentBuildLimit: z.number().int().optional(),
  autoRetryLimit: z.number().int().optional(),
};
