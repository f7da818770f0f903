import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findOnPath } from "../../platform/sandbox/index.js";
import { HOST_SCRIPT, INIT_SCRIPT } from "./scripts.js";
import { Session } from "./shell-session.js";
import type { ShellSession, ShellSessionOptions } from "./types.js";

/**
 * Starts one bash for a build in `options.sandbox`. It does not wait for bash: the first `run()`
 * queues in its input, and a shell that cannot start fails that `run()` with ShellSessionDiedError.
 * End every session with `close()` or `kill()`: that also ends whatever its commands left running.
 *
 * @throws SandboxOptionError when `cwd` or a directory to mount does not exist.
 */
export async function startShellSession(options: ShellSessionOptions): Promise<ShellSession> {
  const ownDir = options.controlDir === undefined;
  const controlDir = options.controlDir ?? (await mkdtemp(join(tmpdir(), "pipewright-shell-")));
  try {
    await mkdir(controlDir, { recursive: true });
    await rm(join(controlDir, "state.sh"), { force: true });
    await writeFile(join(controlDir, "init.sh"), INIT_SCRIPT);
    const bash = options.bashPath ?? findOnPath("bash") ?? "/bin/bash";
    const proc = options.sandbox.spawn({
      command: [bash, "--noprofile", "--norc", "-c", HOST_SCRIPT, "pipewright-shell", controlDir],
      cwd: options.cwd,
      env: options.env,
      writablePaths: [...(options.writablePaths ?? []), controlDir],
      readOnlyPaths: options.readOnlyPaths,
      hiddenPaths: options.hiddenPaths,
      network: options.network ?? true,
      tmpDir: options.tmpDir,
      extraOutputs: 1,
    });
    return new Session(options, proc, controlDir, ownDir);
  } catch (err) {
    if (ownDir) await rm(controlDir, { recursive: true, force: true });
    throw err;
  }
}
