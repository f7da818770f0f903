import type { Sandbox, SandboxMount, SandboxNetwork, SandboxUsers } from "../../platform/sandbox/index.js";

/** Which stream a line of output came from. */
export type OutputStream = "stdout" | "stderr";

/** Receives each line of a command's output as it arrives, without its newline. */
export type OutputListener = (line: string, stream: OutputStream) => void;

/** Options for {@link startShellSession}. */
export interface ShellSessionOptions {
  sandbox: Sandbox;
  /** Directory the first command starts in (CODEBUILD_SRC_DIR), as seen inside the sandbox. */
  cwd: string;
  /** The build's whole environment; it should include PATH. */
  env: Record<string, string>;
  /** Host directories seen at other paths inside (see SandboxSpawnOptions); default none. */
  mounts?: SandboxMount[];
  /** Directories the build may write (its source and output directories), at the same path; default none. */
  writablePaths?: string[];
  /** Directories visible read-only even inside `hiddenPaths`; default none. */
  readOnlyPaths?: string[];
  /** Directories the build must not see, e.g. the data directory; default none. See SandboxSpawnOptions. */
  hiddenPaths?: string[];
  /** The network; default "host". */
  network?: SandboxNetwork;
  /** The host users the session runs as (Sandbox.reserveUsers); default a reservation of its own. */
  users?: SandboxUsers;
  /** Host directory used as /tmp; default a private tmpfs (bubblewrap) or the server's /tmp (process). */
  tmpDir?: string;
  /**
   * Buildspec semantics; default "0.2": one shell for the whole build, so `cd`, `export` and plain
   * variables carry from command to command and phase to phase. "0.1": every command starts from
   * the session's initial directory and environment, as if in a fresh shell.
   */
  buildspecVersion?: "0.1" | "0.2";
  /**
   * Directory for the protocol files (the current command, the state saved by `exit`); it is
   * mounted writable into the sandbox. Default a new directory under the server's temporary
   * directory, removed when the session ends.
   */
  controlDir?: string;
  /** Where the control directory is seen inside the sandbox; default the same path as on the host. */
  controlTarget?: string;
  /** Receives output that arrives while no command runs (from daemons of earlier commands); default dropped. */
  onIdleOutput?: OutputListener;
  /**
   * The shell commands run in: "bash" (default), or "sh" for a POSIX sh (`shPath`), as buildspec
   * `env.shell: /bin/sh` asks. bash drives the session either way (it is the sandbox's first process).
   */
  shell?: "bash" | "sh";
  /** The POSIX sh program for `shell: "sh"`; default /bin/sh. */
  shPath?: string;
  /** The bash program; default the first `bash` on the server's PATH, else /bin/bash. */
  bashPath?: string;
  /**
   * The user commands start as; default none: they run as the server's user and
   * {@link ShellSession.switchUser} is refused. When set, every command shell is started through
   * setpriv with that user's uid, gid and groups and no capabilities, which needs a root server.
   */
  user?: ShellUser;
  /** The setpriv program (util-linux) used with `user`; default the first `setpriv` on the server's PATH. */
  setprivPath?: string;
  /** Characters after which an unfinished line is passed on anyway; default 65 536. */
  maxLineLength?: number;
  /** How long `kill()` and timeouts wait between SIGTERM and SIGKILL; default 1000 ms. */
  killGraceMs?: number;
}

/** A Linux user, resolved from its name. */
export interface ShellUser {
  name: string;
  uid: number;
  gid: number;
}

/** Options for one {@link ShellSession.run}. */
export interface RunOptions {
  /** Time after which the whole session is killed and the command ends "timed-out"; default none. */
  timeoutMs?: number;
  /** Receives the command's output line by line; default dropped. */
  onOutput?: OutputListener;
}

/**
 * How a command ended:
 * - "exited": it finished; `exitCode` is its status;
 * - "shell-exited": it ended its shell (`exit N`, `set -e`, `exec`); `exitCode` is the shell's
 *   status, and the session goes on in a new shell with the exported variables and directory the
 *   old one left (plain variables, functions and shell options are lost);
 * - "timed-out": `timeoutMs` passed; the session was killed (`exitCode` 124);
 * - "killed": `kill()` ended the session while it ran (`exitCode` 137).
 */
export type CommandEnd = "exited" | "shell-exited" | "timed-out" | "killed";

/** The outcome of one command. */
export interface RunResult {
  /** 0 for success; 128 + n when signal n ended it, as bash reports. */
  exitCode: number;
  end: CommandEnd;
}

/** One bash for a whole build, in a sandbox. */
export interface ShellSession {
  /** The sandbox the session runs in (its `description` belongs in the build log's first line). */
  readonly sandbox: Sandbox;
  /**
   * Runs one buildspec command (any bash, several lines allowed) and resolves when it has ended
   * and all its output has been delivered. One command at a time.
   * @throws ShellSessionClosedError after close() or kill(); ShellSessionDiedError if the shell died.
   */
  run(command: string, options?: RunOptions): Promise<RunResult>;
  /**
   * Current values of the named variables (exported or not) in the shell; unset ones are left out.
   * For `env.exported-variables`.
   */
  readVariables(names: string[]): Promise<Record<string, string>>;
  /**
   * Ends the current command shell and starts the next as `user`, with the exported variables and
   * directory the old one left (plain variables, functions and shell options are lost, as after
   * `exit`). The control directory is handed to `user`. A no-op when `user` is the current user.
   * @throws Error when the session was started without `user`.
   */
  switchUser(user: ShellUser): Promise<void>;
  /** The user commands run as now, or undefined when the session was started without `user`. */
  readonly user: ShellUser | undefined;
  /** Ends the shell and, within about a second, every process it left running. Kills if a command runs. */
  close(): Promise<void>;
  /** Kills the whole process tree (SIGTERM, then SIGKILL after `killGraceMs`). */
  kill(): Promise<void>;
}
