import type { Readable, Writable } from "node:stream";

/** Which sandbox runs a build's processes. */
export type SandboxKind = "bubblewrap" | "process";

/** What one sandboxed process tree may see and do. */
export interface SandboxSpawnOptions {
  /** Program and arguments; the program is looked up on `env.PATH`. */
  command: string[];
  /** Working directory; it must exist on the host (and, with bubblewrap, be visible in the sandbox). */
  cwd: string;
  /** The whole environment of the process; nothing is inherited from the server. */
  env: Record<string, string>;
  /**
   * Host directories the build may write, mounted at the same path. With bubblewrap everything
   * else is read-only; the `process` sandbox cannot enforce this.
   */
  writablePaths: string[];
  /** Host directories mounted read-only at the same path, even inside a `hiddenPaths` entry; default none. */
  readOnlyPaths?: string[];
  /**
   * Host directories replaced by an empty read-only directory, e.g. the data directory that holds
   * every build, the database and the master key; `writablePaths` and `readOnlyPaths` inside them
   * are mounted back. Paths that do not exist are skipped. Default none. Ignored by `process`.
   */
  hiddenPaths?: string[];
  /** True to share the host's network; false gives a namespace with only a loopback of its own. */
  network: boolean;
  /**
   * Host directory used as `/tmp` (so big temporary files go to disk); default a private tmpfs.
   * The `process` sandbox sets TMPDIR to it instead.
   */
  tmpDir?: string;
  /**
   * Names the tree, e.g. the build id, so that `killLeftovers` can find a `process` sandbox's
   * processes after a server crash (bubblewrap sandboxes die with the server); default a random UUID.
   */
  id?: string;
  /**
   * Lets the sandbox's first process start others as other users: bubblewrap leaves it CAP_SETUID,
   * CAP_SETGID and CAP_SETPCAP (and nothing else), which it must drop for everything it starts (e.g.
   * `setpriv --reuid … --inh-caps=-all --bounding-set=-all`). Only a root server can grant these.
   * The `process` sandbox needs nothing for it: a root server's children have every capability.
   * Default false.
   */
  allowUserSwitch?: boolean;
  /**
   * Extra pipes from the sandboxed process to the caller at fds 3, 4, …, exposed as
   * {@link SandboxProcess.extraOutputs}; default 0.
   */
  extraOutputs?: number;
}

/** How a sandboxed process ended. */
export interface SandboxExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** Signal that ended it, or null. */
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. the program does not exist). */
  error?: Error;
}

/** A running process tree inside a sandbox. */
export interface SandboxProcess {
  /** Host pid of the process we started (for bubblewrap, the `bwrap` process). */
  readonly pid: number;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The pipes requested with `extraOutputs`, in fd order from fd 3. */
  readonly extraOutputs: Readable[];
  /** Settles (never rejects) when the process we started has ended. */
  readonly exited: Promise<SandboxExit>;
  /**
   * Sends `signal` (default SIGKILL) to every process of the tree, including daemons that left
   * the process group with `setsid` or `nohup … &`. Synchronous and safe to call at any time.
   */
  killTree(signal?: NodeJS.Signals): void;
  /**
   * SIGTERM to the whole tree, then SIGKILL after `graceMs` (default 1000); resolves when the tree
   * is gone (at most about `graceMs` + 500 ms).
   */
  terminate(graceMs?: number): Promise<void>;
}

/** Starts build processes with one kind of isolation. */
export interface Sandbox {
  readonly kind: SandboxKind;
  /** True when the build cannot write outside its directories or see other builds. */
  readonly isolated: boolean;
  /** One human-readable line for the top of a build log, e.g. why there is no isolation. */
  readonly description: string;
  /**
   * Starts `options.command`. A program that cannot start shows in `exited`.
   * @throws SandboxOptionError when `cwd` (or, for bubblewrap, a writable, read-only or tmp
   *   directory) does not exist.
   */
  spawn(options: SandboxSpawnOptions): SandboxProcess;
}
