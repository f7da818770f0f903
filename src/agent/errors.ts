/**
 * How a host command fails, as AWS's agent reports it in PutHostCommandComplete's diagnostics:
 * a numeric error code, the script at fault, a message and the tail of the script's output.
 */

/** AWS's script error codes (the agent's ScriptError constants). */
export const SCRIPT_ERROR_CODES = {
  Succeeded: 0,
  ScriptMissing: 1,
  ScriptNotExecutable: 2,
  ScriptTimedOut: 3,
  ScriptFailed: 4,
  UnknownError: 5,
  OutputsLeftOpen: 6,
  FailedAfterRestart: 7,
} as const;
export type ScriptErrorName = keyof typeof SCRIPT_ERROR_CODES;

/** Most characters of a script's output a failure carries (AWS keeps about 2 KB). */
export const LOG_TAIL_CHARS = 2048;

/** A command that failed; its fields become the PutHostCommandComplete diagnostics. */
export class CommandFailure extends Error {
  constructor(
    readonly code: ScriptErrorName,
    message: string,
    readonly scriptName = "",
    readonly log = "",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CommandFailure";
  }

  /** The diagnostics payload AWS's agent sends: `{error_code, script_name, message, log}`. */
  toPayload(): { error_code: number; script_name: string; message: string; log: string } {
    return {
      error_code: SCRIPT_ERROR_CODES[this.code],
      script_name: this.scriptName,
      message: this.message,
      log: this.log.slice(-LOG_TAIL_CHARS),
    };
  }
}

/** A request to the server that failed for good (after retries, or with a client error). */
export class AgentApiError extends Error {
  constructor(
    readonly operation: string,
    /** AWS error code (`__type` / `<Code>`), or `NetworkError`. */
    readonly code: string,
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${code}${status === undefined ? "" : ` (HTTP ${status})`}: ${message}`, options);
    this.name = "AgentApiError";
  }
}
