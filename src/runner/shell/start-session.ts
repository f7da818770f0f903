import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findOnPath } from "../../platform/sandbox/index.js";
import { HOST_SCRIPT, initScript } from "./scripts.js";
import { handOver, ROOT_USER, Session } from "./shell-session.js";
import type { ShellSession, ShellSessionOptions } from "./types.js";

/**
 * Starts one shell for a build in `options.sandbox`. It does not wait for the shell: the first
 * `run()` queues in its input, and a shell that cannot start fails that `run()` with
 * ShellSessionDiedError. End every session with `close()` or `kill()`: that also ends whatever its
 * commands left running.
 *
 * @throws SandboxOptionError when `cwd` or a directory to mount does not exist.
 * @throws Error when `user` is set but setpriv cannot be found.
 */
export async function startShellSession(options: ShellSessionOptions): Promise<ShellSession> {
  const ownDir = options.controlDir === undefined;
  const controlDir = options.controlDir ?? (await mkdtemp(join(tmpdir(), "pipewright-shell-")));
  const controlTarget = options.controlTarget ?? controlDir;
  const ownUsers = options.users === undefined;
  const users = options.users ?? options.sandbox.reserveUsers();
  try {
    const setpriv = options.user ? (options.setprivPath ?? findOnPath("setpriv")) : undefined;
    if (options.user && setpriv === undefined) {
      throw new Error(
        `cannot run commands as ${options.user.name}: setpriv (util-linux) is not installed or not on PATH`,
      );
    }
    await mkdir(controlDir, { recursive: true });
    await rm(join(controlDir, "state.sh"), { force: true });
    await writeFile(join(controlDir, "init.sh"), initScript(options.shell ?? "bash"), { mode: 0o644 });
    // The shells write their state there: the directory belongs to whoever runs them.
    if (options.user || users.mapped) handOver(controlDir, options.user ?? ROOT_USER, users);
    const bash = options.bashPath ?? findOnPath("bash") ?? "/bin/bash";
    const sh = options.shell === "sh" ? (options.shPath ?? "/bin/sh") : "";
    const user = options.user ? [String(options.user.uid), String(options.user.gid)] : [];
    const proc = await options.sandbox.spawn({
      command: [
        bash,
        "--noprofile",
        "--norc",
        "-c",
        HOST_SCRIPT,
        "pipewright-shell",
        controlTarget,
        sh,
        setpriv ?? "",
        ...user,
      ],
      cwd: options.cwd,
      env: options.env,
      mounts: [...(options.mounts ?? []), { source: controlDir, target: controlTarget, writable: true }],
      writablePaths: options.writablePaths,
      readOnlyPaths: options.readOnlyPaths,
      hiddenPaths: options.hiddenPaths,
      network: options.network ?? "host",
      tmpDir: options.tmpDir,
      extraOutputs: 1,
      allowUserSwitch: options.user !== undefined,
      users,
    });
    if (ownUsers) void proc.exited.then(() => users.release());
    return new Session(options, proc, { host: controlDir, inside: controlTarget, own: ownDir }, users);
  } catch (err) {
    if (ownDir) await rm(controlDir, { recursive: true, force: true });
    if (ownUsers) users.release();
    throw err;
  }
}
