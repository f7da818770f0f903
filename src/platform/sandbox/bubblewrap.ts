import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname } from "node:path";
import { existingPath } from "./paths.js";
import { childPidsOf, isRunning, pidNamespaceOf, pidsInNamespace, signalPids } from "./process-tree.js";
import { wrapChild, type TreeControl } from "./sandbox-process.js";
import type { Sandbox, SandboxProcess, SandboxSpawnOptions } from "./types.js";

/** Options for {@link createBubblewrapSandbox}. */
export interface BubblewrapSandboxOptions {
  /** The `bwrap` program; default "bwrap" (give an absolute path: builds' PATH may lack it). */
  bwrapPath?: string;
  /** `bwrap --version` output, shown in the description; default none. */
  version?: string;
}

/**
 * Builds run under bubblewrap: the host's root read-only, fresh `/dev` and `/proc`, a private `/tmp`,
 * their own PID, IPC and UTS namespaces, no capabilities, and only their own directories writable.
 * Works for root and, through unprivileged user namespaces, for any user.
 */
export function createBubblewrapSandbox(options: BubblewrapSandboxOptions = {}): Sandbox {
  const bwrapPath = options.bwrapPath ?? "bwrap";
  const version = options.version ?? "bubblewrap";
  return {
    kind: "bubblewrap",
    isolated: true,
    description:
      `Sandbox: ${version}; host file system read-only, only the build's directories writable, ` +
      `private /tmp and process namespace.`,
    spawn: (spawnOptions) => spawnBubblewrap(bwrapPath, spawnOptions),
  };
}

/**
 * The `bwrap` arguments for `options`, in mount order: later mounts cover earlier ones, so the
 * hidden directories are emptied first and the build's own directories are mounted back inside them.
 *
 * Why hide rather than bind only what a build needs: a build uses the host's tools (compilers,
 * runtimes, caches under /usr, /opt, …), so it gets the whole root read-only; what it must not see
 * — other builds, the database, the master key — sits under the data directory, which the caller
 * lists in `hiddenPaths`. The tmpfs that hides it is made read-only too, so a build cannot leave
 * files beside its own directories.
 *
 * @throws SandboxOptionError when a writable, read-only or tmp path does not exist.
 */
export function bubblewrapArgs(options: SandboxSpawnOptions): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  if (options.tmpDir === undefined) args.push("--perms", "1777", "--tmpfs", "/tmp");
  else args.push("--bind", existingPath("tmpDir", options.tmpDir), "/tmp");

  const hidden = (options.hiddenPaths ?? [])
    .filter((path) => existsSync(path))
    .map((path) => realpathSync(path));
  for (const path of byDepth(hidden)) args.push("--tmpfs", path);

  const binds = [
    ...(options.readOnlyPaths ?? []).map((path) => ({
      path: existingPath("readOnlyPaths", path),
      flag: "--ro-bind",
    })),
    ...options.writablePaths.map((path) => ({ path: existingPath("writablePaths", path), flag: "--bind" })),
  ];
  // Deeper paths last, so that a read-only directory inside a writable one stays read-only.
  binds.sort((a, b) => depth(a.path) - depth(b.path));
  const tmpfsRoots = options.tmpDir === undefined ? ["/tmp", ...hidden] : hidden;
  for (const { path, flag } of binds) {
    // bwrap makes missing mount points' parents 0700; another user (run-as) must pass through them.
    if (options.allowUserSwitch) {
      for (const dir of parentsInTmpfs(path, tmpfsRoots, binds)) args.push("--perms", "0755", "--dir", dir);
    }
    args.push(flag, path, path);
  }
  for (const path of hidden) {
    if (!binds.some((bind) => bind.path === path)) args.push("--remount-ro", path);
  }

  args.push("--unshare-pid", "--unshare-ipc", "--unshare-uts");
  if (!options.network) args.push("--unshare-net");
  // Root keeps every capability inside bwrap by default, and with CAP_SYS_ADMIN a build could
  // remount / read-write: drop them all (a no-op for unprivileged users, who have none outside).
  args.push("--cap-drop", "ALL");
  if (options.allowUserSwitch) {
    // Just what switching users takes (setpriv: setresuid, setresgid, setgroups, then emptying the
    // bounding set); the processes started as a user, root included, drop them all.
    args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP");
  }
  // The sandbox dies with bwrap, and bwrap with the server (even on kill -9), so no build outlives
  // its runner; --new-session keeps builds from pushing input into the server's terminal (TIOCSTI).
  args.push("--die-with-parent", "--new-session");
  args.push("--chdir", options.cwd, "--", ...options.command);
  return args;
}

function spawnBubblewrap(bwrapPath: string, options: SandboxSpawnOptions): SandboxProcess {
  if (options.command.length === 0) throw new Error("sandbox command is empty");
  existingPath("cwd", options.cwd);
  const args = bubblewrapArgs(options);
  const extra = options.extraOutputs ?? 0;
  // bwrap passes fds 3 and up through to the command unchanged, so the extra pipes reach it.
  const child = spawn(bwrapPath, args, {
    cwd: "/",
    env: options.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe", ...Array<"pipe">(extra).fill("pipe")],
  });
  return wrapChild(child, extra, namespaceTree(child));
}

/**
 * The tree of a bubblewrap sandbox is its PID namespace. Its pid 1 is bwrap's own init; when that
 * dies the kernel kills every other process in the namespace, daemons included, so SIGKILL to pid 1
 * ends everything. Other signals go to every member (pid 1 ignores them, as the kernel ensures for
 * an init without handlers; it exits once the build's main process has).
 */
function namespaceTree(child: ChildProcess): TreeControl {
  const reaped = (): boolean => child.exitCode !== null || child.signalCode !== null;
  let namespace: string | undefined;
  const findNamespace = (): string | undefined => {
    if (namespace === undefined && child.pid !== undefined) {
      const init = childPidsOf(child.pid)[0];
      const link = init === undefined ? undefined : pidNamespaceOf(init);
      if (link !== undefined && link !== pidNamespaceOf(process.pid)) namespace = link;
    }
    return namespace;
  };
  const members = (): number[] => {
    // Once bwrap is reaped its namespace is empty (pid 1 exiting waits for every member), and its
    // inode number may already name another build's namespace: never look it up again.
    if (reaped()) return [];
    const ns = findNamespace();
    return ns === undefined ? [] : pidsInNamespace(ns);
  };
  return {
    signal(signal) {
      const inside = members();
      signalPids(inside, signal);
      // bwrap itself: always for SIGKILL; for a gentler signal only when the namespace is not there
      // yet, since killing bwrap tears the sandbox down at once.
      if (child.pid !== undefined && !reaped() && (signal === "SIGKILL" || inside.length === 0)) {
        signalPids([child.pid], signal);
      }
    },
    remaining: () => members().filter(isRunning),
  };
}

/**
 * The directories between `path` and the tmpfs it is mounted in that bwrap creates for the mount
 * (none of them inside another bind: those are real directories, whose modes are left alone).
 */
function parentsInTmpfs(path: string, tmpfsRoots: string[], binds: Array<{ path: string }>): string[] {
  const inside = (child: string, parent: string) => child === parent || child.startsWith(`${parent}/`);
  const root = tmpfsRoots.filter((t) => path !== t && inside(path, t)).sort((a, b) => depth(b) - depth(a))[0];
  if (root === undefined) return [];
  const dirs: string[] = [];
  for (let dir = dirname(path); dir !== root && inside(dir, root); dir = dirname(dir)) {
    if (!binds.some((bind) => inside(dir, bind.path))) dirs.unshift(dir);
  }
  return dirs;
}

function depth(path: string): number {
  return path.split("/").filter(Boolean).length;
}

function byDepth(paths: string[]): string[] {
  return [...paths].sort((a, b) => depth(a) - depth(b));
}
