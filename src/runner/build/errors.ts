/** Typed ways a build step ends the build early; `run-build.ts` turns them into phase statuses. */
import { BuildStopReason, type PhaseContext, type PhaseStatus } from "../api.js";

/**
 * A step failed in a way AWS reports as a phase status plus a context (a failed command, a bad
 * buildspec, a missing parameter, a timeout, StopBuild). Not an engine defect.
 */
export class BuildStepError extends Error {
  constructor(
    /** Status the current phase ends with. */
    readonly status: Exclude<PhaseStatus, "IN_PROGRESS" | "SUCCEEDED">,
    /** Context the phase gets; `statusCode` as AWS spells it. */
    readonly context: PhaseContext,
    options?: { cause?: unknown },
  ) {
    super(`${context.statusCode}: ${context.message}`, options);
    this.name = "BuildStepError";
  }
}

/** A call to the {@link RunnerApi} failed: the build ends FAULT with a context naming the call. */
export class RunnerApiError extends Error {
  constructor(
    /** The RunnerApi method, e.g. `uploadArtifact`. */
    readonly operation: string,
    cause: unknown,
  ) {
    super(`${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "RunnerApiError";
  }
}

/** Phase context status codes the engine uses, as AWS spells them. */
export const CONTEXT = {
  commandFailed: "COMMAND_EXECUTION_ERROR",
  yamlFile: "YAML_FILE_ERROR",
  client: "CLIENT_ERROR",
  timedOut: "BUILD_TIMED_OUT",
  stopped: "BUILD_STOPPED",
  // AWS's agent reports unresolvable parameter-store / secrets-manager values with these codes.
  parameterStore: "Decrypted Variables Error",
  secretsManager: "Secrets Manager Error",
  fault: "INTERNAL_ERROR",
} as const;

/** The BuildStepError for a build that ran past its timeout. */
export function timedOut(minutes: number): BuildStepError {
  return new BuildStepError("TIMED_OUT", {
    statusCode: CONTEXT.timedOut,
    message: `Build has timed out. Build exceeded the timeout of ${minutes} minutes`,
  });
}

/**
 * The BuildStepError for a build stopped by StopBuild, Ctrl-C locally, or a server shutting down;
 * `reason` is its signal's, whose message is kept when it is a {@link BuildStopReason}.
 */
export function stopped(reason?: unknown): BuildStepError {
  const message = reason instanceof BuildStopReason ? reason.message : "Build was stopped";
  return new BuildStepError("STOPPED", { statusCode: CONTEXT.stopped, message });
}
