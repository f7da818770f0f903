import type { Readable, Writable } from "node:stream";

/** Which sandbox runs a build's processes. */
export type SandboxKind = "bubblewrap" | "process";

/**
 * A sandbox's network:
 * - "isolated": a network namespace of its own with outbound TCP, UDP and DNS through a user-mode
 *   stack (pasta), where `127.0.0.1` is its own loopback; of the host's loopback services only the
 *   ports the sandbox was created with ({@link BubblewrapSandboxOptions.forwardPorts}) are reachable,
 *   at `127.0.0.1:<port>`;
 * - "host": the host's own network, its loopback services included (AWS's `vpcConfig`);
 * - "none": a loopback of its own and nothing else.
 * The `process` sandbox always shares the host's network.
 */
export type SandboxNetwork = "isolated" | "host" | "none";

/** A host directory (or file) seen inside the sandbox at `target`. */
export interface SandboxMount {
  /** Host path; it must exist. */
  source: string;
  /** Absolute path inside the sandbox. The `process` sandbox requires it to equal `source`. */
  target: string;
  /** Whether the sandbox may write it; default false. */
  writable?: boolean;
}

/**
 * The host users a sandbox's processes run as. With a root server and bubblewrap, every build gets
 * a range of 65,536 host ids of its own, far from real users, mapped to ids 0…65535 inside: the
 * build is root inside its sandbox but nobody outside it, and a second build is a different nobody.
 * Otherwise processes run as the server's own user and these are identity functions.
 */
export interface SandboxUsers {
  /** True when ids inside are mapped to a range of host ids of their own. */
  readonly mapped: boolean;
  /** The host uid of uid `id` inside the sandbox. */
  hostUid(id: number): number;
  /** The host gid of gid `id` inside the sandbox. */
  hostGid(id: number): number;
  /**
   * Gives `path` (recursively, never following links) to the sandbox's root, so that it may write
   * what the server put there. Only for trees no sandboxed process can touch yet. No-op unless mapped.
   */
  adopt(path: string): Promise<void>;
  /** Returns the range for reuse; the caller must have ended every process that used it. */
  release(): void;
}

/** What one sandboxed process tree may see and do. */
export interface SandboxSpawnOptions {
  /** Program and arguments; the program is looked up on `env.PATH` inside the sandbox. */
  command: string[];
  /** Working directory, as seen inside the sandbox; it must exist there. */
  cwd: string;
  /** The whole environment of the process; nothing is inherited from the server. */
  env: Record<string, string>;
  /** Host paths mounted at other paths inside (bubblewrap; see {@link Sandbox.remapsPaths}). Default none. */
  mounts?: SandboxMount[];
  /** Host directories the sandbox may write, mounted at the same path. Default none. */
  writablePaths?: string[];
  /** Host directories mounted read-only at the same path, even inside a `hiddenPaths` entry; default none. */
  readOnlyPaths?: string[];
  /**
   * Host directories replaced by an empty read-only directory, e.g. the data directory that holds
   * every build, the database and the master key; mounts inside them are mounted back. Paths that
   * do not exist are skipped. Default none. Ignored by `process`.
   */
  hiddenPaths?: string[];
  /** The network; see {@link SandboxNetwork}. */
  network: SandboxNetwork;
  /**
   * Host directory used as `/tmp` and `/var/tmp` (so big temporary files go to disk); default a
   * private tmpfs. The `process` sandbox sets TMPDIR to it instead.
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
   * Further capabilities the first process keeps, e.g. `CAP_CHOWN` for a helper that hands the
   * build's files to a run-as user. With mapped users they act only on the sandbox's own files
   * (capabilities of a user namespace never reach files whose owner it does not map). Default none.
   */
  capabilities?: string[];
  /**
   * Extra pipes from the sandboxed process to the caller at fds 3, 4, …, exposed as
   * {@link SandboxProcess.extraOutputs}; default 0.
   */
  extraOutputs?: number;
  /** The host users to run as (from {@link Sandbox.reserveUsers}); default a range for this process alone. */
  users?: SandboxUsers;
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
  /** Host pid of the process we started (for bubblewrap, the `bwrap` process or its launcher). */
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
   * is gone (at most about `graceMs` + 2 s: a loaded machine takes a while to tear a namespace down).
   */
  terminate(graceMs?: number): Promise<void>;
}

/** Starts build processes with one kind of isolation. */
export interface Sandbox {
  readonly kind: SandboxKind;
  /** True when the build cannot write outside its directories or see other builds. */
  readonly isolated: boolean;
  /**
   * True when mounts may put a host directory at another path inside (bubblewrap); false when the
   * sandbox sees the host's paths as they are (`process`), so a mount's target must be its source.
   */
  readonly remapsPaths: boolean;
  /**
   * The network "isolated" gives here: "isolated"; "none" on a root server without pasta; the
   * host's for a server that is not root or the `process` sandbox (they cannot make one).
   */
  readonly isolatedNetwork: SandboxNetwork;
  /** One line for the top of a build log: what isolates the build, or why nothing does. */
  readonly description: string;
  /** Reserves host users for one build; every spawn given the same reservation runs as the same users. */
  reserveUsers(): SandboxUsers;
  /**
   * Starts `options.command`. A program that cannot start shows in `exited`.
   * @throws SandboxOptionError when a directory to mount does not exist or cannot be mounted.
   */
  spawn(options: SandboxSpawnOptions): Promise<SandboxProcess>;
  /** Stops what the sandbox keeps ready (network namespaces); spawning after it is an error. */
  close(): Promise<void>;
}
