import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, realpathSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { SandboxOptionError } from "./errors.js";
import { hostRootLayout, type RootEntry } from "./host-root.js";
import type { NetworkNamespace, NetworkNamespaces, ResolvConfMount } from "./network.js";
import { existingPath, unreachableBy } from "./paths.js";
import {
  childPidsOf,
  isRunning,
  pidNamespaceOf,
  pidsInNamespace,
  readProcStat,
  signalPids,
} from "./process-tree.js";
import { wrapChild, type TreeControl } from "./sandbox-process.js";
import type { Sandbox, SandboxMount, SandboxProcess, SandboxSpawnOptions, SandboxUsers } from "./types.js";
import type { IdRanges } from "./users.js";
import { RANGE_SIZE, UNMAPPED_USERS } from "./users.js";

/** Programs a mapped or networked sandbox is started through (absolute paths). */
export interface LauncherTools {
  /** util-linux `nsenter`, to enter a network namespace. */
  nsenter: string;
  /** util-linux `prlimit`, to cap the processes a build may have. */
  prlimit: string;
  /** util-linux `choom`, to make a build the OOM killer's first choice. */
  choom: string;
}

/** Options for {@link createBubblewrapSandbox}. */
export interface BubblewrapSandboxOptions {
  /** The `bwrap` program; default "bwrap" (give an absolute path: builds' PATH may lack it). */
  bwrapPath?: string;
  /** `bwrap --version` output, shown in the description; default "bubblewrap". */
  version?: string;
  /**
   * Host id ranges for builds (root servers only): each build runs as 65,536 unprivileged host ids
   * of its own, root inside. Default none: builds run as the server's own user.
   */
  idRanges?: IdRanges;
  /** Launcher programs; needed with `idRanges` or `network`. */
  tools?: LauncherTools;
  /** Network namespaces for "isolated" sandboxes; without them "isolated" means `isolatedFallback`. */
  network?: NetworkNamespaces;
  /** What "isolated" becomes without `network`; default "none". */
  isolatedFallback?: "none" | "host";
  /** Limitations to state in the description (why users are not mapped, why there is no network); default none. */
  notes?: string[];
  /** Most processes (threads included) a mapped build may have at once; default 4096. */
  maxProcesses?: number;
}

/**
 * Builds run under bubblewrap: a read-only view of the host's system directories on an otherwise
 * empty root (home directories, /run and the host's /tmp left out), fresh `/dev` and `/proc`, their
 * own PID, IPC and UTS namespaces, no capabilities, and only their own directories writable. On a
 * root server each build also runs as a range of unprivileged host ids (root inside, nobody outside)
 * and in a network namespace of its own.
 */
export function createBubblewrapSandbox(options: BubblewrapSandboxOptions = {}): Sandbox {
  const bwrapPath = options.bwrapPath ?? "bwrap";
  const root = hostRootLayout();
  const isolatedNetwork = options.network ? "isolated" : (options.isolatedFallback ?? "none");
  let closed = false;
  return {
    kind: "bubblewrap",
    isolated: true,
    remapsPaths: true,
    isolatedNetwork,
    description: describe(options),
    reserveUsers: () => options.idRanges?.reserve() ?? UNMAPPED_USERS,
    async spawn(spawnOptions) {
      if (closed) throw new Error("sandbox: closed");
      return spawnBubblewrap(bwrapPath, options, root, spawnOptions);
    },
    async close() {
      closed = true;
      await options.network?.close();
    },
  };
}

/** The sandbox in a sentence; the build's network is said per build (it depends on the project). */
function describe(options: BubblewrapSandboxOptions): string {
  const who = options.idRanges
    ? "builds run as unprivileged host users (root inside the sandbox)"
    : `builds run as this process's user (uid ${process.getuid?.() ?? "?"})`;
  const notes = options.notes?.length ? ` Note: ${options.notes.join("; ")}.` : "";
  return (
    `Sandbox: ${options.version ?? "bubblewrap"}; ${who}; host system read-only, home directories ` +
    `hidden, only the build's directories writable; private /tmp and process namespace.${notes}`
  );
}

/** What {@link bubblewrapArgs} needs besides the spawn options. */
export interface BubblewrapContext {
  /** The host's root directory, as {@link hostRootLayout} reads it. */
  root: RootEntry[];
  /** A resolver configuration to mount (isolated network with a loopback resolver). */
  resolvConf?: ResolvConfMount;
  /** Set when the host users are mapped: bwrap waits on these fds for the server to write the map. */
  userns?: { infoFd: number; blockFd: number };
  /** Whether the sandbox gets a network namespace of its own from bwrap (network "none"). */
  unshareNet: boolean;
}

/**
 * The `bwrap` arguments for `options`, in mount order: later mounts cover earlier ones.
 *
 * The sandbox's root is a tmpfs holding read-only binds of the host's system directories (those
 * every user may enter: /usr, /etc, /opt, …) and its symlinks (/bin → usr/bin). Left out: /home,
 * /root (an empty private directory unless a mount puts the build's HOME there), /run (an empty
 * tmpfs, so no host socket such as a database's is reachable), /tmp (private), and any top-level
 * directory other users cannot enter. Hidden paths (the data directory) become empty read-only
 * directories; mounts are bound last, their missing parents created passable (0755). The root is
 * then remounted read-only, so a build cannot leave files beside its own directories.
 *
 * @throws SandboxOptionError when a path to mount does not exist.
 */
export function bubblewrapArgs(options: SandboxSpawnOptions, context: BubblewrapContext): string[] {
  const mounts = allMounts(options);
  const args: string[] = [];
  if (context.userns) {
    args.push("--unshare-user", "--info-fd", String(context.userns.infoFd));
    args.push("--userns-block-fd", String(context.userns.blockFd));
  }
  const binds: Array<{ target: string }> = [];
  for (const entry of context.root) {
    if (entry.kind === "dir") {
      args.push("--ro-bind", entry.path, entry.path);
      binds.push({ target: entry.path });
    } else {
      args.push("--symlink", entry.target, entry.path);
    }
  }
  args.push("--dev", "/dev", "--proc", "/proc");
  const tmpfsRoots = ["/", "/run"];
  if (options.tmpDir === undefined) {
    args.push("--perms", "1777", "--tmpfs", "/tmp");
    tmpfsRoots.push("/tmp");
  } else {
    const tmp = existingPath("tmpDir", options.tmpDir);
    args.push("--bind", tmp, "/tmp");
    if (context.root.some((e) => e.path === "/var" && e.kind === "dir")) args.push("--bind", tmp, "/var/tmp");
    binds.push({ target: "/tmp" });
  }
  args.push("--perms", "0755", "--tmpfs", "/run", "--perms", "0755", "--dir", "/home");
  if (!mounts.some((m) => m.target === "/root")) {
    args.push("--perms", "0700", "--tmpfs", "/root");
    tmpfsRoots.push("/root");
  }

  const hidden = (options.hiddenPaths ?? [])
    .filter((path) => existsSync(path))
    .map((path) => realpathSync(path))
    .filter((path) => binds.some((b) => inside(path, b.target) && path !== b.target));
  for (const path of byDepth(hidden)) args.push("--tmpfs", path);
  tmpfsRoots.push(...hidden);

  // Deeper targets last, so that a read-only directory inside a writable one stays read-only.
  const sorted = [...mounts].sort((a, b) => depth(a.target) - depth(b.target));
  const allBinds = [...binds, ...sorted];
  const made = new Set<string>();
  for (const mount of sorted) {
    for (const dir of parentsInTmpfs(mount.target, tmpfsRoots, allBinds)) {
      if (made.has(dir)) continue;
      made.add(dir);
      args.push("--perms", "0755", "--dir", dir);
    }
    args.push(mount.writable ? "--bind" : "--ro-bind", mount.source, mount.target);
  }
  for (const path of hidden) {
    if (!sorted.some((m) => m.target === path)) args.push("--remount-ro", path);
  }
  if (context.resolvConf) args.push("--ro-bind", context.resolvConf.source, context.resolvConf.target);
  args.push("--remount-ro", "/");

  args.push("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try");
  if (context.unshareNet) args.push("--unshare-net");
  // Root keeps every capability inside bwrap by default, and with CAP_SYS_ADMIN a build could
  // remount / read-write: drop them all.
  args.push("--cap-drop", "ALL");
  const caps = new Set(options.capabilities ?? []);
  if (options.allowUserSwitch) {
    // Just what switching users takes (setpriv: setresuid, setresgid, setgroups, then emptying the
    // bounding set); the processes started as a user, root included, drop them all.
    for (const cap of ["CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP"]) caps.add(cap);
  }
  for (const cap of caps) args.push("--cap-add", cap);
  // The sandbox dies with bwrap, and bwrap with the server (even on kill -9), so no build outlives
  // its runner; --new-session keeps builds from pushing input into the server's terminal (TIOCSTI).
  args.push("--die-with-parent", "--new-session");
  const keep = String(3 + (options.extraOutputs ?? 0));
  args.push("--chdir", options.cwd, "--", "/bin/bash", "-c", CLOSE_OTHER_FDS, "pipewright-sandbox", keep);
  args.push(...options.command);
  return args;
}

/**
 * Runs `$2…` with only fds 0 … `$1`-1 open. bwrap hands its command every fd it inherited: its own
 * info and block fds (sockets to the server), and whatever the server's process inherited.
 */
const CLOSE_OTHER_FDS =
  'for f in /proc/self/fd/*; do n=${f##*/}; if [ "$n" -ge "$1" ]; then eval "exec $n>&-"; fi; done; shift; exec "$@"';

/** Every mount of `options` with real host paths: `mounts`, then same-path writable and read-only ones. */
function allMounts(options: SandboxSpawnOptions): Required<SandboxMount>[] {
  return [
    ...(options.mounts ?? []).map((m) => ({
      source: existingPath("mounts", m.source),
      target: m.target,
      writable: m.writable ?? false,
    })),
    ...(options.writablePaths ?? []).map((p) => {
      const path = existingPath("writablePaths", p);
      return { source: path, target: path, writable: true };
    }),
    ...(options.readOnlyPaths ?? []).map((p) => {
      const path = existingPath("readOnlyPaths", p);
      return { source: path, target: path, writable: false };
    }),
  ];
}

async function spawnBubblewrap(
  bwrapPath: string,
  sandbox: BubblewrapSandboxOptions,
  root: RootEntry[],
  options: SandboxSpawnOptions,
): Promise<SandboxProcess> {
  if (options.command.length === 0) throw new Error("sandbox command is empty");
  // A cwd inside a mount can be checked on the host, and is better reported by name than by bwrap.
  const cwdOnHost = hostPathOf(options.cwd, allMounts(options));
  if (cwdOnHost !== undefined) existingPath("cwd", cwdOnHost);
  const ownUsers = options.users === undefined;
  const users = options.users ?? sandbox.idRanges?.reserve() ?? UNMAPPED_USERS;
  let namespace: NetworkNamespace | undefined;
  try {
    const mapped = users.mapped;
    if (mapped) checkReachable(options, users);
    const network = options.network === "isolated" ? effectiveIsolated(sandbox) : options.network;
    if (network === "isolated") namespace = await sandbox.network!.take();
    const extra = options.extraOutputs ?? 0;
    // bwrap passes fds 3 and up through to the command unchanged, so the extra pipes reach it;
    // its own info and block fds come after them and are closed before the command starts.
    const userns = mapped ? { infoFd: 3 + extra, blockFd: 4 + extra } : undefined;
    const args = bubblewrapArgs(options, {
      root,
      userns,
      unshareNet: network === "none",
      ...(network === "isolated" && sandbox.network?.resolvConf
        ? { resolvConf: sandbox.network.resolvConf }
        : {}),
    });
    const launcher = launchCommand(bwrapPath, args, sandbox, users, namespace);
    const child = spawn(launcher[0]!, launcher.slice(1), {
      cwd: "/",
      env: options.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe", ...Array<"pipe">(extra + (mapped ? 2 : 0)).fill("pipe")],
    });
    if (userns) writeIdMapWhenAsked(child, userns, users);
    const proc = wrapChild(child, extra, namespaceTree(child));
    void proc.exited.then(() => {
      namespace?.release();
      if (ownUsers) users.release();
    });
    return proc;
  } catch (err) {
    namespace?.release();
    if (ownUsers) users.release();
    throw err;
  }
}

/** Where `path` inside the sandbox lies on the host, when it is within a mount (the deepest). */
function hostPathOf(path: string, mounts: Required<SandboxMount>[]): string | undefined {
  const mount = mounts
    .filter((m) => inside(path, m.target))
    .sort((a, b) => depth(b.target) - depth(a.target))[0];
  return mount && `${mount.source}${path.slice(mount.target.length)}`;
}

function effectiveIsolated(sandbox: BubblewrapSandboxOptions): "isolated" | "none" | "host" {
  return sandbox.network ? "isolated" : (sandbox.isolatedFallback ?? "none");
}

/**
 * The command that starts bwrap: in the network namespace (nsenter, as root, then as the build's
 * host root), as the OOM killer's first choice (choom) and with a process limit (prlimit), for
 * mapped builds; bwrap alone otherwise.
 */
function launchCommand(
  bwrapPath: string,
  args: string[],
  sandbox: BubblewrapSandboxOptions,
  users: SandboxUsers,
  namespace: NetworkNamespace | undefined,
): string[] {
  const tools = sandbox.tools;
  const command: string[] = [];
  if (namespace || users.mapped) {
    if (!tools) throw new Error("sandbox: launcher tools are needed for mapped users and networks");
    if (namespace) command.push(tools.nsenter, `--net=${namespace.path}`);
    if (users.mapped) {
      const uid = String(users.hostUid(0));
      const gid = String(users.hostGid(0));
      // nsenter without a namespace would refuse: setpriv-like switching only (-S/-G drop groups).
      command.push(...(namespace ? [] : [tools.nsenter]), "-S", uid, "-G", gid);
      const max = sandbox.maxProcesses ?? 4096;
      command.push("--", tools.choom, "-n", "1000", "--", tools.prlimit, `--nproc=${max}:${max}`);
    }
    command.push("--");
  }
  return [...command, bwrapPath, ...args];
}

/**
 * bwrap reports the sandbox's first pid on its info fd and waits on its block fd; meanwhile the
 * server (root) maps ids 0…65535 inside to the build's host range, which an unprivileged bwrap
 * could not do itself (it may map only its own id).
 */
function writeIdMapWhenAsked(
  child: ChildProcess,
  fds: { infoFd: number; blockFd: number },
  users: SandboxUsers,
): void {
  const info = child.stdio[fds.infoFd] as NodeJS.ReadableStream;
  const block = child.stdio[fds.blockFd] as NodeJS.WritableStream;
  block.on("error", () => undefined);
  let text = "";
  let done = false;
  info.setEncoding("utf8");
  info.on("data", (chunk: string) => {
    if (done) return;
    text += chunk;
    const match = /"child-pid":\s*(\d+)/.exec(text);
    if (!match) return;
    done = true;
    const pid = match[1]!;
    try {
      writeFileSync(`/proc/${pid}/uid_map`, `0 ${users.hostUid(0)} ${RANGE_SIZE}\n`);
      writeFileSync(`/proc/${pid}/gid_map`, `0 ${users.hostGid(0)} ${RANGE_SIZE}\n`);
      block.end("1");
    } catch (err) {
      child.emit("error", new Error(`sandbox: cannot map the build's users: ${(err as Error).message}`));
      child.kill("SIGKILL");
    }
  });
}

/**
 * In mapped mode bwrap runs as the build's unprivileged host root, which must be able to reach
 * every directory it mounts: a parent only root may enter (a 0700 data directory) would stop it.
 */
function checkReachable(options: SandboxSpawnOptions, users: SandboxUsers): void {
  const uid = users.hostUid(0);
  const gid = users.hostGid(0);
  const paths = [
    ...(options.mounts ?? []).map((m) => ({ option: "mounts", path: m.source })),
    ...(options.writablePaths ?? []).map((path) => ({ option: "writablePaths", path })),
    ...(options.readOnlyPaths ?? []).map((path) => ({ option: "readOnlyPaths", path })),
    ...(options.tmpDir === undefined ? [] : [{ option: "tmpDir", path: options.tmpDir }]),
  ];
  for (const { option, path } of paths) {
    const blocked = unreachableBy(existingPath(option, path), uid, gid);
    if (blocked !== undefined) {
      throw new SandboxOptionError(
        option,
        `${path} cannot be mounted: its parent ${blocked} is not passable by other users (give it mode 0711 or 0755)`,
      );
    }
  }
}

/**
 * The tree of a bubblewrap sandbox is its PID namespace. Its pid 1 is bwrap's own init; when that
 * dies the kernel kills every other process in the namespace, daemons included, so SIGKILL to pid 1
 * ends everything. Other signals go to every member (pid 1 ignores them, as the kernel ensures for
 * an init without handlers; it exits once the build's main process has).
 */
/** How often a new sandbox is looked for until its PID namespace is found. */
const FIND_NAMESPACE_MS = 2;

function namespaceTree(child: ChildProcess): TreeControl {
  const reaped = (): boolean => child.exitCode !== null || child.signalCode !== null;
  let namespace: string | undefined;
  let init: { pid: number; startTime: string } | undefined;
  const findNamespace = (): string | undefined => {
    if (namespace === undefined && child.pid !== undefined) {
      const pid = childPidsOf(child.pid)[0];
      const link = pid === undefined ? undefined : pidNamespaceOf(pid);
      const stat = pid === undefined ? undefined : readProcStat(pid);
      if (
        pid !== undefined &&
        stat !== undefined &&
        link !== undefined &&
        link !== pidNamespaceOf(process.pid)
      ) {
        namespace = link;
        init = { pid, startTime: stat.startTime };
      }
    }
    return namespace;
  };
  // Found now, while bwrap still has it as its child: bwrap reports the command's exit and is
  // reaped before its pid 1 has finished killing the namespace's daemons, and a tree first asked
  // for after that (close() once the shell has exited) would otherwise find nothing to wait for.
  const watch = setInterval(() => {
    if (reaped() || findNamespace() !== undefined) clearInterval(watch);
  }, FIND_NAMESPACE_MS);
  watch.unref();
  child.once("exit", () => clearInterval(watch));
  /**
   * The namespace's pid 1 while it has not finished exiting. A killed bwrap is reaped at once, but
   * its pid 1 dies only on the death signal that follows, and its exit waits for every member of
   * the namespace: until then the namespace is not empty. Checked by start time, as its pid may be
   * reused once it is gone.
   */
  const initAlive = (): number[] => {
    const stat = init === undefined ? undefined : readProcStat(init.pid);
    return init !== undefined && stat !== undefined && stat.state !== "Z" && stat.startTime === init.startTime
      ? [init.pid]
      : [];
  };
  const members = (): number[] => {
    // Once bwrap is reaped, the namespace's inode number may come to name another build's namespace
    // as soon as its pid 1 is gone: never look it up again, only wait for that pid 1.
    if (reaped()) return initAlive();
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

function inside(child: string, parent: string): boolean {
  return parent === "/" || child === parent || child.startsWith(`${parent}/`);
}

/**
 * The directories between `path` and the tmpfs it is mounted in that bwrap must create for the
 * mount (none of them inside another bind: those are real directories of the host).
 */
function parentsInTmpfs(path: string, tmpfsRoots: string[], binds: Array<{ target: string }>): string[] {
  const root = tmpfsRoots.filter((t) => path !== t && inside(path, t)).sort((a, b) => depth(b) - depth(a))[0];
  if (root === undefined) return [];
  const dirs: string[] = [];
  // Only binds within that tmpfs cover a directory: a bind it hides (the data directory's parent) does not.
  const within = binds.filter((bind) => bind.target !== root && inside(bind.target, root));
  for (let dir = dirname(path); dir !== root && inside(dir, root) && dir !== "/"; dir = dirname(dir)) {
    if (!within.some((bind) => inside(dir, bind.target))) dirs.unshift(dir);
  }
  return dirs;
}

function depth(path: string): number {
  return path.split("/").filter(Boolean).length;
}

function byDepth(paths: string[]): string[] {
  return [...paths].sort((a, b) => depth(a) - depth(b));
}
