import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { descendantsOf, isRunning, pidsInGroup, pidsWithEnvEntry, signalPids } from "./process-tree.js";
import { SandboxOptionError } from "./errors.js";
import { existingPath } from "./paths.js";
import { wrapChild, type TreeControl } from "./sandbox-process.js";
import type { Sandbox, SandboxProcess, SandboxSpawnOptions } from "./types.js";
import { UNMAPPED_USERS } from "./users.js";

/**
 * Set in every process a `process` sandbox starts, so that a daemon that left the process group
 * (`setsid`) and lost its parent can still be found and killed when the build ends.
 */
export const SANDBOX_ID_VARIABLE = "PIPEWRIGHT_SANDBOX_ID";

/** Options for {@link createProcessSandbox}. */
export interface ProcessSandboxOptions {
  /** Why there is no isolation, for the description; default "bubblewrap was not requested". */
  reason?: string;
}

/**
 * A sandbox that is no sandbox: a plain child process in its own session and process group. Builds
 * run as the server's user with its access to files and network; only the process tree is managed.
 */
export function createProcessSandbox(options: ProcessSandboxOptions = {}): Sandbox {
  const reason = options.reason ?? "bubblewrap was not requested";
  return {
    kind: "process",
    isolated: false,
    remapsPaths: false,
    isolatedNetwork: "host",
    description:
      `No sandbox: the build runs as a plain process of user ${userName()} (${reason}); ` +
      `it can read and write whatever that user can and reach the network.`,
    reserveUsers: () => UNMAPPED_USERS,
    spawn: async (spawnOptions) => spawnPlain(spawnOptions),
    close: async () => undefined,
  };
}

function spawnPlain(options: SandboxSpawnOptions): SandboxProcess {
  const [program, ...args] = options.command;
  if (program === undefined) throw new Error("sandbox command is empty");
  existingPath("cwd", options.cwd);
  for (const mount of options.mounts ?? []) {
    if (existingPath("mounts", mount.source) !== existingPath("mounts", mount.target)) {
      throw new SandboxOptionError(
        "mounts",
        `${mount.source} cannot be seen at ${mount.target}: a plain process sees the host's paths as they are`,
      );
    }
  }
  const sandboxId = options.id ?? randomUUID();
  const env: Record<string, string> = { ...options.env, [SANDBOX_ID_VARIABLE]: sandboxId };
  if (options.tmpDir !== undefined) env.TMPDIR = options.tmpDir;
  const extra = options.extraOutputs ?? 0;
  const child = spawn(program, args, {
    cwd: options.cwd,
    env,
    // detached = setsid(): its own session and process group (pgid = pid), off the server's terminal.
    detached: true,
    stdio: ["pipe", "pipe", "pipe", ...Array<"pipe">(extra).fill("pipe")],
  });
  return wrapChild(child, extra, groupTree(child, `${SANDBOX_ID_VARIABLE}=${sandboxId}`));
}

/**
 * The tree of a plain process: its process group, its descendants and anything still carrying its
 * sandbox id. The group and descendants are used only while the leader is unreaped, because after
 * that its pid (and so the group id) may belong to an unrelated process.
 */
function groupTree(child: ChildProcess, envEntry: string): TreeControl {
  const leaderReaped = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const members = (): Set<number> => {
    const pids = new Set(pidsWithEnvEntry(envEntry));
    const pid = child.pid;
    if (pid !== undefined && !leaderReaped()) {
      for (const member of pidsInGroup(pid)) pids.add(member);
      for (const descendant of descendantsOf(pid)) pids.add(descendant);
    }
    return pids;
  };
  return {
    signal(signal) {
      const pid = child.pid;
      if (pid !== undefined && !leaderReaped()) {
        try {
          // The group in one call: also works where /proc is missing (macOS).
          process.kill(-pid, signal);
        } catch {
          // ESRCH: the group is empty already.
        }
      }
      signalPids(members(), signal);
    },
    remaining: () => [...members()].filter(isRunning),
  };
}

/**
 * Kills the processes still carrying sandbox id `id`: what a `process` sandbox leaves running when
 * the server that started it dies (bubblewrap sandboxes die with their server). For a runner that
 * restarts after a crash and ends the builds it finds in progress. Returns how many it signalled.
 */
export function killLeftovers(id: string): number {
  const pids = pidsWithEnvEntry(`${SANDBOX_ID_VARIABLE}=${id}`);
  signalPids(pids, "SIGKILL");
  return pids.length;
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? "unknown");
  }
}
