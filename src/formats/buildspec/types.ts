/**
 * The typed shape of a parsed `buildspec.yml`, as the AWS CodeBuild user guide's "Build specification
 * reference for CodeBuild" documents it. Field names are camelCase versions of the YAML keys; every
 * optional section has an explicit empty or default value so the runner never re-reads the YAML.
 */

/** Buildspec versions CodeBuild accepts. */
export const BUILDSPEC_VERSIONS = ["0.1", "0.2"] as const;
/** A buildspec version CodeBuild accepts. */
export type BuildspecVersion = (typeof BUILDSPEC_VERSIONS)[number];

/** Build phase names as a buildspec spells them, in the order CodeBuild runs them. */
export const PHASE_NAMES = ["install", "pre_build", "build", "post_build"] as const;
/** A build phase name as a buildspec spells it. */
export type PhaseName = (typeof PHASE_NAMES)[number];

/** The `phaseType` CodeBuild reports (BatchGetBuilds) for each buildspec phase. */
export const PHASE_TYPES = {
  install: "INSTALL",
  pre_build: "PRE_BUILD",
  build: "BUILD",
  post_build: "POST_BUILD",
} as const satisfies Record<PhaseName, string>;
/** A build phase's `phaseType` as CodeBuild reports it. */
export type BuildPhaseType = (typeof PHASE_TYPES)[PhaseName];

/** Shell tags `env.shell` accepts: `bash` and `/bin/sh` on Linux, the other two on Windows images. */
export const BUILD_SHELLS = ["bash", "/bin/sh", "powershell.exe", "cmd.exe"] as const;
/** A shell tag `env.shell` accepts. */
export type BuildShell = (typeof BUILD_SHELLS)[number];

/** A parsed `env.secrets-manager` value: `secret-id:json-key:version-stage:version-id`. */
export interface SecretsManagerReference {
  /** The reference exactly as written. */
  reference: string;
  /** Secret name, or its full ARN (the ARN keeps its own colons). */
  secretId: string;
  /** Key inside a JSON secret; absent means the whole secret string. */
  jsonKey: string | undefined;
  /** Staging label; absent (with no `versionId`) means `AWSCURRENT`. */
  versionStage: string | undefined;
  /** Version id; absent (with no `versionStage`) means the `AWSCURRENT` version. */
  versionId: string | undefined;
}

/** The `env` section. */
export interface BuildspecEnv {
  /** `env.shell`; absent means the image's default shell (bash on Linux). */
  shell: BuildShell | undefined;
  /** `env.variables`: plain-text variables; numbers and booleans kept as written. */
  variables: Record<string, string>;
  /** `env.parameter-store`: variable name → SSM parameter name. */
  parameterStore: Record<string, string>;
  /** `env.secrets-manager`: variable name → parsed secret reference. */
  secretsManager: Record<string, SecretsManagerReference>;
  /** `env.exported-variables`: names whose final values the build exports. */
  exportedVariables: string[];
  /** `env.git-credential-helper`; default false. */
  gitCredentialHelper: boolean;
}

/**
 * A phase's `on-failure`. ABORT (the default) ends the build; CONTINUE goes on to the next phase;
 * RETRY runs the phase again, up to `maxRetries` times, while the failure's error message matches
 * `pattern`.
 */
export type OnFailure =
  | { action: "ABORT" }
  | { action: "CONTINUE" }
  | {
      action: "RETRY";
      /** Retries after the first failure: 3 for plain `RETRY`, else the written count (0–100). */
      maxRetries: number;
      /** Regular expression source (JavaScript syntax); `.*` when none is written. */
      pattern: string;
      /** JavaScript RegExp flags taken from a leading `(?i)`-style group; usually "". */
      flags: string;
    };

/** One build phase. `Buildspec.phases` always holds all four, in run order. */
export interface BuildspecPhase {
  /** Name as a buildspec spells it. */
  name: PhaseName;
  /** `phaseType` as CodeBuild reports it. */
  type: BuildPhaseType;
  /** True when the buildspec has this phase; an undeclared phase has no commands. */
  declared: boolean;
  /** The phase's own `run-as`; see {@link effectiveRunAs} for the user that applies. */
  runAs: string | undefined;
  /** `on-failure`; default ABORT. */
  onFailure: OnFailure;
  /** `runtime-versions` (install phase only): runtime → version, as written (`3.10`, `18.x`, `latest`). */
  runtimeVersions: Record<string, string>;
  /** `commands`, in order; a block scalar is one command. */
  commands: string[];
  /** `finally`: run after `commands` even when one of them fails. */
  finally: string[];
}

/** Test report formats `reports.*.file-format` accepts. */
export const TEST_REPORT_FORMATS = [
  "JUNITXML",
  "CUCUMBERJSON",
  "TESTNGXML",
  "NUNITXML",
  "NUNIT3XML",
  "VISUALSTUDIOTRX",
] as const;
/** Code coverage report formats `reports.*.file-format` accepts. */
export const COVERAGE_REPORT_FORMATS = ["CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV"] as const;
/** A report file format. */
export type ReportFileFormat =
  (typeof TEST_REPORT_FORMATS)[number] | (typeof COVERAGE_REPORT_FORMATS)[number];

/** One entry of `reports`. */
export interface BuildspecReportGroup {
  /** The key as written: a report group name or a report group ARN. */
  name: string;
  /** True when `name` is an ARN (`arn:…`). */
  isArn: boolean;
  /** `files` globs (not expanded here). */
  files: string[];
  /** `base-directory`; absent means the source directory. */
  baseDirectory: string | undefined;
  /** `discard-paths`; default false. */
  discardPaths: boolean;
  /** `file-format`; default JUNITXML. */
  fileFormat: ReportFileFormat;
  /** TEST or CODE_COVERAGE, from the file format (a report group's `type`). */
  type: "TEST" | "CODE_COVERAGE";
}

/** Settings shared by the primary artifact and each secondary artifact. */
export interface BuildspecArtifactSet {
  /** `files` globs (not expanded here); `**\/*` means every file, recursively. */
  files: string[];
  /** `name`; may contain shell expressions the runner expands at build time. */
  name: string | undefined;
  /** `discard-paths`; default false. */
  discardPaths: boolean;
  /** `base-directory`; absent means the source directory. */
  baseDirectory: string | undefined;
  /** `exclude-paths` globs, relative to the base directory. */
  excludePaths: string[];
  /** `enable-symlinks`; default false. */
  enableSymlinks: boolean;
  /** `s3-prefix`; used when the project's namespace type is BUILD_ID. */
  s3Prefix: string | undefined;
}

/** One entry of `artifacts.secondary-artifacts`. */
export interface BuildspecSecondaryArtifact extends BuildspecArtifactSet {
  /** The key: it matches an `artifactIdentifier` of the project's secondary artifacts. */
  identifier: string;
}

/** The `artifacts` section. */
export interface BuildspecArtifacts extends BuildspecArtifactSet {
  /** `secondary-artifacts`, in file order. */
  secondaryArtifacts: BuildspecSecondaryArtifact[];
}

/** The `cache` section. */
export interface BuildspecCache {
  /** `paths` globs to cache. */
  paths: string[];
  /** `key`: the primary cache key; may contain shell expressions. */
  key: string | undefined;
  /** `fallback-keys` (at most five), tried by prefix when `key` misses. */
  fallbackKeys: string[];
  /** `action`: restore-and-save is the default when no action is written. */
  action: "restore-and-save" | "restore" | "save";
}

/** The `proxy` section (accepted and reported; Pipewright builds do not run behind a proxy). */
export interface BuildspecProxy {
  /** `upload-artifacts`; default false. */
  uploadArtifacts: boolean;
  /** `logs`; default false. */
  logs: boolean;
}

/** A whole parsed buildspec. */
export interface Buildspec {
  /** `version`. */
  version: BuildspecVersion;
  /**
   * True for version 0.1: each command runs in its own shell instance, so `cd` and `export` do not
   * carry to the next command. False for 0.2: all commands share one shell.
   */
  shellPerCommand: boolean;
  /** Top-level `run-as`: the Linux user for every phase that names none; absent means root. */
  runAs: string | undefined;
  /** `env`; empty when absent. */
  env: BuildspecEnv;
  /** `proxy`, when written. */
  proxy: BuildspecProxy | undefined;
  /** `batch`, when written, as plain data (batch builds are not supported; a warning says so). */
  batch: unknown;
  /** The four build phases in run order: install, pre_build, build, post_build. */
  phases: BuildspecPhase[];
  /** `reports`, in file order. */
  reports: BuildspecReportGroup[];
  /** `artifacts`, when written. */
  artifacts: BuildspecArtifacts | undefined;
  /** `cache`, when written. */
  cache: BuildspecCache | undefined;
}

/**
 * The Linux user a phase's commands run as: the phase's `run-as`, else the top-level `run-as`, else
 * undefined (root). The phase setting takes precedence over the global one.
 */
export function effectiveRunAs(buildspec: Buildspec, phase: BuildspecPhase): string | undefined {
  return phase.runAs ?? buildspec.runAs;
}
