/** The build runner: the engine, its contract with the control plane, and the local RunnerApi. */
export {
  BUILD_PHASES,
  type ArtifactsTarget,
  type BuildJob,
  type BuildOutcome,
  type BuildPhase,
  type BuildPhaseType,
  type BuildSource,
  type BuildStatus,
  type EnvironmentVariable,
  type EnvironmentVariableType,
  type LogLine,
  type PhaseContext,
  type PhaseStatus,
  type RunnerApi,
  type TestReportSubmission,
} from "./api.js";
export { runBuild, type RunBuildOptions } from "./build/index.js";
export { createLocalRunnerApi, phaseTable, type LocalRunnerOptions } from "./local/index.js";
export { startShellSession, type ShellSession } from "./shell/index.js";
