/**
 * `run-as`. Buildspec reference: "Specifies a Linux user that runs commands in this buildspec file.
 * run-as grants the specified user read and run permissions. When you specify run-as at the top of
 * the buildspec file, it applies globally to all commands. If you don't want to specify a user for
 * all buildspec file commands, you can specify one for commands in a phase by using run-as in one of
 * the phases blocks. If run-as is not specified, then all commands run as the root user."
 *
 * How: one shell session per build, whose command shells the sandbox starts through setpriv as the
 * phase's user (see ShellSession.switchUser): `cd` and exported variables carry across a change of
 * user, plain shell variables and functions do not (as after `exit`). Before a phase runs as a user
 * other than root, the build's directories (source, secondary sources, HOME) are given to that user
 * (chown -R, inside the build's sandbox), so that it can write its build outputs; root needs no
 * such thing. A LOCAL source (the
 * directory `pipewright build` runs in) is built in place and never changes hands. Under bubblewrap
 * the build's paths are passable by any user; without it (process sandbox) the user also needs
 * search permission on the work root's parent directories.
 *
 * Failures: a user that does not exist, or a runner that is not root and so cannot switch users,
 * fails with COMMAND_EXECUTION_ERROR naming the user — in DOWNLOAD_SOURCE for the top-level run-as
 * (it applies to every command, and the shell starts there), in the phase itself for a phase's own.
 */
import { execFile } from "node:child_process";
import type { Buildspec, BuildspecPhase } from "../../formats/buildspec/index.js";
import { findOnPath } from "../../platform/sandbox/index.js";
import type { ShellUser } from "../shell/index.js";
import type { BuildState } from "./build-state.js";
import { BuildStepError, CONTEXT, stopped } from "./errors.js";

const ROOT: ShellUser = { name: "root", uid: 0, gid: 0 };

/** Whether any command of `buildspec` names a user. */
export function usesRunAs(buildspec: Buildspec): boolean {
  return buildspec.runAs !== undefined || buildspec.phases.some((p) => p.declared && p.runAs !== undefined);
}

/**
 * The user the build's shell starts as, after giving it the build's directories; undefined when
 * commands run as the runner's own user with no switching (no run-as, or a non-root runner whose
 * top-level run-as names itself).
 * @throws BuildStepError when the top-level user does not exist or cannot be switched to.
 */
export async function startingUser(state: BuildState, buildspec: Buildspec): Promise<ShellUser | undefined> {
  if (!usesRunAs(buildspec)) return undefined;
  const user = buildspec.runAs === undefined ? undefined : await resolveUser(buildspec.runAs);
  if (!isRoot()) {
    if (user !== undefined && user.uid !== process.getuid?.()) throw cannotSwitch(user.name);
    return undefined;
  }
  if (findOnPath("setpriv") === undefined) {
    throw new BuildStepError("FAILED", {
      statusCode: CONTEXT.commandFailed,
      message: `run-as ${buildspec.runAs ?? "(in a phase)"}: setpriv (util-linux) is not installed on the runner; it starts commands as another user`,
    });
  }
  if (user === undefined) return ROOT;
  await giveBuildDirs(state, user);
  return user;
}

/**
 * Makes `phase`'s commands run as its user (or the top-level one, else root), when the session
 * switches users; otherwise checks that its user is the runner's own.
 * @throws BuildStepError when the user does not exist or cannot be switched to.
 */
export async function enterPhaseUser(state: BuildState, phase: BuildspecPhase): Promise<void> {
  const session = state.session!;
  const name = phase.runAs ?? state.buildspec!.runAs;
  if (session.user === undefined) {
    if (name === undefined) return;
    const user = await resolveUser(name);
    if (user.uid !== process.getuid?.()) throw cannotSwitch(user.name);
    return;
  }
  const user = name === undefined ? ROOT : await resolveUser(name);
  if (user.uid === session.user.uid && user.gid === session.user.gid) return;
  await giveBuildDirs(state, user);
  state.log.container(`Running commands as ${user.name} (uid ${user.uid})`);
  try {
    await session.switchUser(user);
  } catch (err) {
    // StopBuild kills the session at any moment, this one included.
    if (state.options.signal.aborted) throw stopped(state.options.signal.reason);
    throw err;
  }
}

/** The uid and primary gid of `name` (a user name or a numeric uid), as `id` reports them. */
export async function resolveUser(name: string): Promise<ShellUser> {
  try {
    const [uid, gid] = await Promise.all([id(["-u", "--", name]), id(["-g", "--", name])]);
    return { name, uid: Number(uid), gid: Number(gid) };
  } catch (err) {
    throw new BuildStepError(
      "FAILED",
      {
        statusCode: CONTEXT.commandFailed,
        message: `run-as ${name}: no such user in the build environment`,
      },
      { cause: err },
    );
  }
}

/** chown -R the build's writable directories to `user` (not for root, and once per user in a row). */
async function giveBuildDirs(state: BuildState, user: ShellUser): Promise<void> {
  const dirs = state.dirs!;
  if (user.uid === 0 || state.buildDirsOwner === user.uid) return;
  const local = state.job.source.type === "LOCAL";
  if (local) {
    state.log.container(
      `run-as ${user.name}: the local source directory is built in place and keeps its owner`,
    );
  }
  const { inside } = dirs;
  const paths = [...(local ? [] : [inside.src]), ...Object.values(inside.secondary), inside.home];
  // Inside the build's sandbox, links left as links: only the build's own files change hands.
  await state.workspace!.chown(paths, user.uid, user.gid);
  state.buildDirsOwner = user.uid;
}

function cannotSwitch(name: string): BuildStepError {
  return new BuildStepError("FAILED", {
    statusCode: CONTEXT.commandFailed,
    message: `run-as: cannot run commands as ${name}: the runner runs as uid ${process.getuid?.() ?? "?"}, not root, so it cannot switch users`,
  });
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function id(args: string[]): Promise<string> {
  const out = (await run("id", args)).trim();
  if (!/^\d+$/.test(out)) throw new Error(`id ${args.join(" ")} printed ${JSON.stringify(out)}`);
  return out;
}

function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 600_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(stderr.trim() || err.message));
      else resolve(stdout);
    });
  });
}
