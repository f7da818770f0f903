/** What the parts of one build share while it runs. */
import type { Buildspec } from "../../formats/buildspec/index.js";
import type { Sandbox, SandboxUsers } from "../../platform/sandbox/index.js";
import type { BuildJob, BuildOutcome, BuildPhaseType, PhaseContext, PhaseStatus, RunnerApi } from "../api.js";
import type { ShellSession } from "../shell/index.js";
import type { BuildDirs, Workspace } from "../workspace/index.js";
import type { BuildLog } from "./build-log.js";
import { BuildStepError, CONTEXT, RunnerApiError, stopped } from "./errors.js";
import type { SecretMasker } from "./masking.js";
import type { PhaseRecorder } from "./phase-recorder.js";

/** Options for {@link runBuild}. */
export interface RunBuildOptions {
  /** StopBuild: aborting ends the build STOPPED and kills its whole process tree. */
  signal: AbortSignal;
  /** Directory under which each build gets its own directory (`<workRoot>/<build uuid>`). */
  workRoot: string;
  /**
   * Sandbox for the build's processes; default what `detectSandbox()` picks (bubblewrap where it
   * runs). A promise that rejects ends the build FAULT in PROVISIONING with its message.
   */
  sandbox?: Sandbox | Promise<Sandbox>;
  /** Directories the build must not see, e.g. the server's data directory; default none. */
  hiddenPaths?: string[];
  /** Clock (epoch ms); default Date.now. */
  now?: () => number;
  /** Keep the build directory after the build (for debugging); default false: it is removed. */
  keepBuildDir?: boolean;
  /** Host directories never packaged as artifacts (e.g. a local output directory); default none. */
  excludeFromArtifacts?: string[];
  /** Log batching: longest wait before lines are sent; default 100 ms. */
  logFlushMs?: number;
}

/** The running build. */
export interface BuildState {
  job: BuildJob;
  api: RunnerApi;
  options: RunBuildOptions;
  now: () => number;
  log: BuildLog;
  phases: PhaseRecorder;
  masker: SecretMasker;
  /** Epoch ms at which the build times out. */
  deadline: number;
  status: BuildOutcome["status"];
  dirs?: BuildDirs;
  sandbox?: Sandbox;
  /** The host users the build's processes run as, reserved for the whole build. */
  users?: SandboxUsers;
  /** The build's files, reached from inside its sandbox. */
  workspace?: Workspace;
  buildspec?: Buildspec;
  env?: Record<string, string>;
  /** Variables whose value came from a secret store: never exported. */
  secretNames?: Set<string>;
  session?: ShellSession;
  /** The uid the build's directories were last given to for run-as; undefined while the runner's. */
  buildDirsOwner?: number;
  outcome: Pick<BuildOutcome, "artifacts" | "secondaryArtifacts" | "exportedEnvironmentVariables">;
}

/** Phases whose entry AWS's agent logs as "Entering phase …". */
const BUILDSPEC_PHASES = new Set<BuildPhaseType>(["INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD"]);

/**
 * Runs one phase: records its start and end, logs AWS's header lines, and turns the body's failure
 * context or error into the phase's status. Returns that status.
 */
export async function runPhase(
  state: BuildState,
  type: BuildPhaseType,
  body: () => Promise<PhaseContext | undefined>,
): Promise<Exclude<PhaseStatus, "IN_PROGRESS">> {
  await state.phases.start(type);
  if (BUILDSPEC_PHASES.has(type)) state.log.container(`Entering phase ${type}`);
  else state.log.container(`Phase is ${type}`);
  let status: Exclude<PhaseStatus, "IN_PROGRESS"> = "SUCCEEDED";
  let contexts: PhaseContext[] = [];
  try {
    if (state.options.signal.aborted && type !== "FINALIZING") {
      throw stopped(state.options.signal.reason);
    }
    const failure = await body();
    if (failure) [status, contexts] = ["FAILED", [failure]];
  } catch (err) {
    [status, contexts] = failureOf(type, err);
  }
  // A context is stored in the build record and shown by BatchGetBuilds: never with a secret in it.
  contexts = contexts.map((c) => ({ statusCode: c.statusCode, message: state.masker.mask(c.message) }));
  state.log.container(`Phase complete: ${type} State: ${status}`);
  for (const c of contexts)
    state.log.container(`Phase context status code: ${c.statusCode} Message: ${c.message}`);
  await state.phases.end(status, contexts);
  escalate(state, status);
  return status;
}

/** The phase status and context for an error thrown by a phase body. */
export function failureOf(
  type: BuildPhaseType,
  err: unknown,
): [Exclude<PhaseStatus, "IN_PROGRESS">, PhaseContext[]] {
  if (err instanceof BuildStepError) return [err.status, [err.context]];
  if (err instanceof RunnerApiError) return ["FAULT", [{ statusCode: CONTEXT.fault, message: err.message }]];
  const message = err instanceof Error ? err.message : String(err);
  return ["FAULT", [{ statusCode: CONTEXT.fault, message: `${type}: internal error: ${message}` }]];
}

/** The build's status after a phase ended with `status`: the first non-FAILED problem wins. */
export function escalate(state: BuildState, status: Exclude<PhaseStatus, "IN_PROGRESS">): void {
  if (status === "SUCCEEDED") return;
  if (state.status === "SUCCEEDED" || (state.status === "FAILED" && status !== "FAILED"))
    state.status = status;
}
