import type { StoredLifecycleEvent } from "../deployments/rows.js";

/** AWS's agent reports a script error as a number; the API names it (`LifecycleErrorCode`). */
const ERROR_CODES: Record<number, string> = {
  0: "Success",
  1: "ScriptMissing",
  2: "ScriptNotExecutable",
  3: "ScriptTimedOut",
  4: "ScriptFailed",
  5: "UnknownError",
  6: "UnknownError",
  7: "UnknownError",
};

/** The most of a hook's output kept as `logTail` (AWS keeps the last 2 KB or so). */
export const LOG_TAIL_CHARS = 2048;

/**
 * An agent's diagnostics envelope (`{Format: "JSON", Payload: "{error_code, script_name, message,
 * log}"}`) as the event's `diagnostics`. A payload that does not parse is kept as the message, so
 * an agent's bug is visible rather than lost.
 */
export function parseDiagnostics(
  envelope: { Format?: string; Payload?: string } | undefined,
): StoredLifecycleEvent["diagnostics"] {
  if (!envelope?.Payload) return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(envelope.Payload) as Record<string, unknown>;
  } catch {
    return {
      errorCode: "UnknownError",
      scriptName: "",
      message: envelope.Payload.slice(0, 1000),
      logTail: "",
    };
  }
  if (body === null || typeof body !== "object") return undefined;
  const code = typeof body.error_code === "number" ? body.error_code : 5;
  const log = typeof body.log === "string" ? body.log : "";
  return {
    errorCode: ERROR_CODES[code] ?? "UnknownError",
    scriptName: typeof body.script_name === "string" ? body.script_name.slice(0, 1000) : "",
    message: typeof body.message === "string" ? body.message.slice(0, 4000) : "",
    logTail: log.length > LOG_TAIL_CHARS ? log.slice(-LOG_TAIL_CHARS) : log,
  };
}
