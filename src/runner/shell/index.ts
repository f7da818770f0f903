export { startShellSession } from "./start-session.js";
export type {
  CommandEnd,
  OutputListener,
  OutputStream,
  RunOptions,
  RunResult,
  ShellSession,
  ShellSessionOptions,
  ShellUser,
} from "./types.js";
export { ShellSessionBusyError, ShellSessionClosedError, ShellSessionDiedError } from "./errors.js";
