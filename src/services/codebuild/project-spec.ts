import type { Selectable } from "kysely";
import type { Database } from "../../platform/store/index.js";
import { invalidInput } from "./errors.js";
import {
  SUPPORTED_SOURCE_TYPES,
  type LogsConfig,
  type ProjectArtifacts,
  type ProjectCache,
  type ProjectEnvironment,
  type ProjectSource,
  type VpcConfig,
} from "./shapes.js";
import { defaultEncryptionKey } from "./arns.js";

/** A project as stored: what CreateProject/UpdateProject said, with AWS's defaults filled in. */
export interface ProjectSpec {
  name: string;
  description?: string;
  source: ProjectSource;
  secondarySources: ProjectSource[];
  sourceVersion?: string;
  secondarySourceVersions: Array<{ sourceIdentifier: string; sourceVersion: string }>;
  artifacts: ProjectArtifacts;
  secondaryArtifacts: ProjectArtifacts[];
  cache: ProjectCache;
  environment: ProjectEnvironment & {
    environmentVariables: NonNullable<ProjectEnvironment["environmentVariables"]>;
  };
  serviceRole: string;
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  encryptionKey: string;
  tags: Array<{ key?: string | undefined; value?: string | undefined }>;
  vpcConfig?: VpcConfig;
  badgeEnabled: boolean;
  logsConfig: LogsConfig;
  fileSystemLocations: unknown[];
  buildBatchConfig?: unknown;
  concurrentBuildLimit?: number;
  autoRetryLimit?: number;
}

/** A project row. */
export type ProjectRow = Selectable<Database["codebuild_projects"]>;

/** The input members a project is made of (CreateProject, or UpdateProject merged over the old spec). */
export type ProjectInput = Omit<
  ProjectSpec,
  | "secondarySources"
  | "secondarySourceVersions"
  | "secondaryArtifacts"
  | "cache"
  | "environment"
  | "timeoutInMinutes"
  | "queuedTimeoutInMinutes"
  | "encryptionKey"
  | "tags"
  | "badgeEnabled"
  | "logsConfig"
  | "fileSystemLocations"
> &
  Partial<
    Pick<
      ProjectSpec,
      | "secondarySources"
      | "secondarySourceVersions"
      | "secondaryArtifacts"
      | "cache"
      | "timeoutInMinutes"
      | "queuedTimeoutInMinutes"
      | "encryptionKey"
      | "tags"
      | "badgeEnabled"
      | "logsConfig"
      | "fileSystemLocations"
    >
  > & {
    environment: ProjectEnvironment;
  };

/** Applies AWS's CreateProject defaults and checks what the model's shapes cannot express. */
export function completeProject(
  input: ProjectInput,
  scope: { accountId: string; region: string },
): ProjectSpec {
  for (const source of [input.source, ...(input.secondarySources ?? [])]) checkSource(source);
  checkArtifacts(input.artifacts, input.source);
  for (const a of input.secondaryArtifacts ?? []) checkArtifacts(a, input.source);
  if (input.concurrentBuildLimit !== undefined && input.concurrentBuildLimit < 1) {
    throw invalidInput("Project-level concurrent build limit must be greater than 0");
  }
  return {
    ...input,
    secondarySources: input.secondarySources ?? [],
    secondarySourceVersions: input.secondarySourceVersions ?? [],
    secondaryArtifacts: input.secondaryArtifacts ?? [],
    artifacts: artifactDefaults(input.artifacts, input.name),
    cache: input.cache ?? { type: "NO_CACHE" },
    environment: {
      ...input.environment,
      environmentVariables: (input.environment.environmentVariables ?? []).map((v) => ({
        ...v,
        type: v.type ?? "PLAINTEXT",
      })),
      privilegedMode: input.environment.privilegedMode ?? false,
      imagePullCredentialsType: input.environment.imagePullCredentialsType ?? "CODEBUILD",
    },
    timeoutInMinutes: input.timeoutInMinutes ?? 60,
    queuedTimeoutInMinutes: input.queuedTimeoutInMinutes ?? 480,
    encryptionKey: input.encryptionKey ?? defaultEncryptionKey(scope),
    tags: input.tags ?? [],
    badgeEnabled: input.badgeEnabled ?? false,
    logsConfig: {
      cloudWatchLogs: input.logsConfig?.cloudWatchLogs ?? { status: "ENABLED" },
      s3Logs: input.logsConfig?.s3Logs ?? { status: "DISABLED", encryptionDisabled: false },
    },
    fileSystemLocations: input.fileSystemLocations ?? [],
  };
}

/** Defaults of an artifacts block: S3 artifacts get a name, namespace and packaging as AWS reports them. */
export function artifactDefaults(artifacts: ProjectArtifacts, projectName: string): ProjectArtifacts {
  if (artifacts.type !== "S3") return artifacts;
  return {
    ...artifacts,
    name: artifacts.name ?? projectName,
    namespaceType: artifacts.namespaceType ?? "NONE",
    packaging: artifacts.packaging ?? "NONE",
    encryptionDisabled: artifacts.encryptionDisabled ?? false,
  };
}

function checkSource(source: ProjectSource): void {
  if (!SUPPORTED_SOURCE_TYPES.has(source.type)) {
    throw invalidInput(
      `Source type ${source.type} is not supported by Pipewright; use NO_SOURCE, S3, CODEPIPELINE or CODECOMMIT`,
    );
  }
  if (source.type === "NO_SOURCE" && !source.buildspec) {
    throw invalidInput("Invalid source: buildspec cannot be empty for NO_SOURCE source type");
  }
  if ((source.type === "S3" || source.type === "CODECOMMIT") && !source.location) {
    throw invalidInput(`Invalid source: location must be specified for source type ${source.type}`);
  }
  if (source.type === "S3" && !/^[^/]+\/.+/.test(source.location ?? "")) {
    throw invalidInput(`Invalid source location: ${source.location}; S3 sources are <bucket>/<key of a zip>`);
  }
}

function checkArtifacts(artifacts: ProjectArtifacts, source: ProjectSource): void {
  if ((artifacts.type === "CODEPIPELINE") !== (source.type === "CODEPIPELINE")) {
    throw invalidInput(
      "Invalid artifacts: CODEPIPELINE artifacts go with a CODEPIPELINE source, and only with one",
    );
  }
  if (artifacts.type === "S3" && !artifacts.location) {
    throw invalidInput("Invalid artifacts: location must be specified for artifacts type S3");
  }
}

/** The `Project` shape BatchGetProjects and CreateProject return. */
export function projectOutput(row: ProjectRow, badgeBaseUrl: string): Record<string, unknown> {
  const spec = JSON.parse(row.spec) as ProjectSpec;
  const { badgeEnabled, ...rest } = spec;
  return {
    ...rest,
    arn: row.arn,
    created: new Date(row.created_at),
    lastModified: new Date(row.last_modified_at),
    badge: badgeEnabled
      ? { badgeEnabled: true, badgeRequestUrl: `${badgeBaseUrl}/${encodeURIComponent(row.name)}` }
      : { badgeEnabled: false },
    projectVisibility: "PRIVATE",
  };
}
