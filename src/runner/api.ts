/**
 * The contract between the control plane and the build engine. The engine (`runner/build/`) runs a
 * {@link BuildJob} and reports everything through a {@link RunnerApi}; it never touches the store or
 * the services. Three implementations: the server's embedded runner (in-process calls into
 * `services/codebuild`), a remote `pipewright runner` (HTTP to a server, later), and
 * `pipewright build` (local: logs to the terminal, artifacts to a directory, no server).
 * Shapes and names follow the CodeBuild API (botocore `codebuild` 2016-10-06).
 */

/** Build statuses, as AWS names them. */
export type BuildStatus = "SUCCEEDED" | "FAILED" | "FAULT" | "TIMED_OUT" | "IN_PROGRESS" | "STOPPED";

/** Build phases in the order a build goes through them. */
export const BUILD_PHASES = [
  "SUBMITTED",
  "QUEUED",
  "PROVISIONING",
  "DOWNLOAD_SOURCE",
  "INSTALL",
  "PRE_BUILD",
  "BUILD",
  "POST_BUILD",
  "UPLOAD_ARTIFACTS",
  "FINALIZING",
  "COMPLETED",
] as const;
export type BuildPhaseType = (typeof BUILD_PHASES)[number];

/** A phase's status. `IN_PROGRESS` is used while it runs (AWS leaves `phaseStatus` unset then). */
export type PhaseStatus = "SUCCEEDED" | "FAILED" | "FAULT" | "TIMED_OUT" | "IN_PROGRESS" | "STOPPED";

/** Why a phase ended as it did: AWS's `PhaseContext`. */
export interface PhaseContext {
  /** e.g. `COMMAND_EXECUTION_ERROR`, `YAML_FILE_ERROR`, `CLIENT_ERROR`, `BUILD_TIMED_OUT`. */
  statusCode: string;
  message: string;
}

/** One phase of a build as AWS's `BuildPhase` reports it. Times are epoch ms. */
export interface BuildPhase {
  phaseType: BuildPhaseType;
  phaseStatus?: PhaseStatus;
  startTime: number;
  endTime?: number;
  durationInSeconds?: number;
  contexts: PhaseContext[];
}

/** `PLAINTEXT`, or a reference resolved when the build starts. */
export type EnvironmentVariableType = "PLAINTEXT" | "PARAMETER_STORE" | "SECRETS_MANAGER";

export interface EnvironmentVariable {
  name: string;
  value: string;
  type: EnvironmentVariableType;
}

/** Where a build's source comes from. */
export interface BuildSource {
  type: "NO_SOURCE" | "S3" | "CODEPIPELINE" | "CODECOMMIT" | "LOCAL";
  /** S3: `bucket/key` of a zip; CODECOMMIT: clone URL; LOCAL: a directory (pipewright build). */
  location?: string;
  /** Inline buildspec text, or a path inside the source (default `buildspec.yml`). */
  buildspec?: string;
  /** Secondary sources: the identifier becomes `CODEBUILD_SRC_DIR_<id>`. */
  sourceIdentifier?: string;
  /** Branch, tag or commit for CODECOMMIT; object version for S3. */
  sourceVersion?: string;
  /** CODECOMMIT: commits of history to fetch; 0 or absent for all of it. */
  gitCloneDepth?: number;
}

/** Where and how artifacts are uploaded. */
export interface ArtifactsTarget {
  type: "NO_ARTIFACTS" | "S3" | "CODEPIPELINE" | "LOCAL";
  /** S3: bucket; LOCAL: directory. */
  location?: string;
  path?: string;
  name?: string;
  namespaceType?: "NONE" | "BUILD_ID";
  packaging?: "NONE" | "ZIP";
  overrideArtifactName?: boolean;
  artifactIdentifier?: string;
}

/** Everything a runner needs to run one build. */
export interface BuildJob {
  /** `project:uuid`. */
  buildId: string;
  buildArn: string;
  buildNumber: number;
  projectName: string;
  projectArn: string;
  accountId: string;
  region: string;
  initiator: string;
  source: BuildSource;
  secondarySources: BuildSource[];
  sourceVersion?: string;
  /** Environment variables in precedence order already applied: StartBuild override > project. */
  environmentVariables: EnvironmentVariable[];
  image: string;
  computeType: string;
  privilegedMode: boolean;
  /**
   * The build's network: "isolated" (default; outbound access, and of the host's loopback only
   * this server's port), "host" (the host's network, loopback services included: a project with
   * AWS's `vpcConfig`), or "none".
   */
  network: "isolated" | "host" | "none";
  timeoutInMinutes: number;
  artifacts: ArtifactsTarget;
  secondaryArtifacts: ArtifactsTarget[];
  /** `LOCAL` or `S3` cache, or none. */
  cache: { type: "NO_CACHE" | "LOCAL" | "S3"; location?: string };
  /** When the build was submitted, epoch ms (for `CODEBUILD_START_TIME`). */
  startTime: number;
  /**
   * The server's URL as the build reaches it (its isolated network forwards the server's port to
   * its own loopback), given to the build as `AWS_ENDPOINT_URL` so the AWS CLI and SDKs inside talk
   * to this server; none for a local build.
   */
  endpointUrl?: string;
}

/** A line of build output with its timestamp (epoch ms), already masked. */
export interface LogLine {
  timestamp: number;
  message: string;
}

/** How a build ended, as the runner reports it. */
export interface BuildOutcome {
  status: Exclude<BuildStatus, "IN_PROGRESS">;
  phases: BuildPhase[];
  exportedEnvironmentVariables: Array<{ name: string; value: string }>;
  artifacts?: { location: string; sha256sum?: string; md5sum?: string; artifactIdentifier?: string };
  secondaryArtifacts: Array<{
    location: string;
    sha256sum?: string;
    md5sum?: string;
    artifactIdentifier?: string;
  }>;
}

/** A test report a build produced, parsed from JUnit XML or Cucumber JSON. */
export interface TestReportSubmission {
  /** Report group name or ARN as written in the buildspec. */
  reportGroup: string;
  fileFormat: string;
  testCases: Array<{
    testRawDataPath: string;
    prefix?: string;
    name: string;
    status: "SUCCEEDED" | "FAILED" | "ERROR" | "SKIPPED" | "UNKNOWN";
    durationInNanoSeconds: number;
    message?: string;
    expired?: number;
  }>;
}

/**
 * How {@link RunnerApi.fetchSource} delivered a source:
 * - "zip": a zip archive written to `target.zipFile`; the engine unpacks it inside the build's
 *   sandbox, so no entry name or link in it reaches the host's file system;
 * - "directory": files written into `target.dir` directly, before any of the build's processes
 *   exists (a git checkout: git writes a tree it reads from a repository, never through a link);
 * - "none": nothing (NO_SOURCE; a LOCAL source is the directory itself).
 */
export interface FetchedSource {
  kind: "zip" | "directory" | "none";
  resolvedSourceVersion?: string;
}

/** What the engine calls while it runs a build. */
export interface RunnerApi {
  /** Fetches the primary or a secondary source (S3 zips, pipeline artifacts, git); see {@link FetchedSource}. */
  fetchSource(
    job: BuildJob,
    source: BuildSource,
    target: { dir: string; zipFile: string },
  ): Promise<FetchedSource>;
  /** A Parameter Store value, decrypted; throws an error naming the parameter when missing. */
  getParameter(name: string): Promise<string>;
  /** A Secrets Manager value: `secretId`, optionally one JSON key, a version stage or id. */
  getSecret(ref: {
    secretId: string;
    jsonKey?: string;
    versionStage?: string;
    versionId?: string;
  }): Promise<string>;
  /** The build's phases changed (a phase started or ended). */
  phasesChanged(job: BuildJob, phases: BuildPhase[]): Promise<void>;
  /** New log lines (already masked). Called in order; batches are small and frequent. */
  appendLogs(job: BuildJob, lines: LogLine[]): Promise<void>;
  /**
   * Stores an artifact given as a zip file: with packaging ZIP the zip itself, with NONE each of
   * its entries as a file of its own.
   */
  uploadArtifact(
    job: BuildJob,
    target: ArtifactsTarget,
    zipFile: string,
  ): Promise<{ location: string; sha256sum?: string; md5sum?: string }>;
  /** Test reports the build produced. */
  submitReports(job: BuildJob, reports: TestReportSubmission[]): Promise<void>;
  /** Writes the project's cache (a zip the engine made with saveCache) to `zipFile`; false when there is none yet. */
  restoreCache(job: BuildJob, zipFile: string): Promise<boolean>;
  /** Keeps `zipFile` as the project's cache. */
  saveCache(job: BuildJob, zipFile: string): Promise<void>;
  /** The build ended. */
  finish(job: BuildJob, outcome: BuildOutcome): Promise<void>;
}

/**
 * Why a build was stopped, when the one who stops it knows better than "Build was stopped": abort
 * the build's signal with this, and its message becomes the STOPPED phase's context.
 */
export class BuildStopReason extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BuildStopReason";
  }
}
