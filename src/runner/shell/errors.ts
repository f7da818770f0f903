/** The session was closed or killed; no more commands can run in it. */
export class ShellSessionClosedError extends Error {
  constructor(readonly operation: string) {
    super(`cannot ${operation}: the shell session was closed or killed`);
    this.name = "ShellSessionClosedError";
  }
}

/**
 * The sandboxed shell ended without being asked to, e.g. bubblewrap could not set up the sandbox
 * or the shell was killed from outside. `diagnostics` holds the last lines it wrote to stderr.
 */
export class ShellSessionDiedError extends Error {
  constructor(
    readonly exit: string,
    readonly diagnostics: string[],
  ) {
    const detail = diagnostics.length > 0 ? `: ${diagnostics.join(" / ")}` : "";
    super(`the build shell ended unexpectedly (${exit})${detail}`);
    this.name = "ShellSessionDiedError";
  }
}

/** A second command was started while one was still running; a session runs one at a time. */
export class ShellSessionBusyError extends Error {
  constructor() {
    super("a command is already running in this shell session; await it before running the next");
    this.name = "ShellSessionBusyError";
  }
}
