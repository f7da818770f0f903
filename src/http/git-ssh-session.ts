import { spawn } from "node:child_process";
import type { Writable } from "node:stream";
import type { ServerChannel } from "ssh2";
import type { Logger } from "../core/index.js";
import { gitEnv } from "../platform/git/index.js";
import type { CodeCommitGit } from "../services/codecommit/index.js";
import { authorize } from "../services/iam/index.js";
import type { Principal } from "../services/kit/index.js";
import { parseGitSshCommand } from "./git-ssh-command.js";

/** What one git command over SSH needs. */
export interface GitExecDeps {
  codecommit: CodeCommitGit;
  accountId: string;
  region: string;
  logger: Logger;
}

/** One exec request of an authenticated session. */
export interface GitExec {
  channel: ServerChannel;
  command: string;
  principal: Principal;
  /** The client's `GIT_PROTOCOL` (`version=2`), from its env request, when it sent one. */
  gitProtocol?: string;
}

/**
 * Runs one exec request: `git-upload-pack` or `git-receive-pack` of a repository the principal
 * may pull from or push to, its stdin, stdout and stderr piped to the channel both ways (each pipe
 * pauses its source while the other side is full), then its exit status sent back. After a
 * receive-pack the push is recorded (events, default branch) before the exit status goes out, so
 * the events are committed by the time `git push` returns. Anything else ends with a message on
 * stderr and exit status 1. Never throws: a failure is reported to the client and logged.
 */
export async function runGitExec(exec: GitExec, deps: GitExecDeps): Promise<void> {
  const { channel } = exec;
  const closed = new Promise<void>((resolve) => channel.once("close", resolve));
  try {
    const status = await runCommand(exec, deps, closed);
    await finish(channel, status, closed);
  } catch (err) {
    deps.logger.error({ err, command: exec.command }, "git over SSH failed");
    await finish(channel, 1, closed, "pipewright: internal error; the server log says more\n");
  }
}

async function runCommand(exec: GitExec, deps: GitExecDeps, closed: Promise<void>): Promise<number | string> {
  const { channel, principal } = exec;
  const parsed = parseGitSshCommand(exec.command);
  if (!parsed.ok) return refuse(channel, parsed.message);
  const repo = await deps.codecommit.findRepository(deps, parsed.repositoryName);
  if (!repo) {
    return refuse(
      channel,
      `repository '${parsed.repositoryName}' does not exist in account ${deps.accountId}, region ${deps.region}`,
    );
  }
  const action = parsed.service === "git-receive-pack" ? "codecommit:GitPush" : "codecommit:GitPull";
  const decision = authorize(principal, action, repo.arn);
  if (!decision.allowed) {
    return refuse(
      channel,
      `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${repo.arn}`,
    );
  }

  // Run in the repository as ".", so no message of git's shows the server's paths.
  const child = spawn("git", [parsed.service.slice("git-".length), "."], {
    cwd: repo.gitDir,
    env: gitEnv(exec.gitProtocol ? { GIT_PROTOCOL: exec.gitProtocol } : {}),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("error", (err) => {
      // Its directory went away (the repository was deleted just now), or git is missing.
      deps.logger.warn({ err, repository: repo.name }, "could not start git over SSH");
      resolve(refuse(channel, `repository '${repo.name}' cannot be read now; try again`));
    });
    child.once("close", (code, signal) => resolve(code ?? signal ?? 1));
  });
  // A git that exits before reading all of its input (a refused push) must not crash the server.
  child.stdin.on("error", () => {});
  channel.pipe(child.stdin);
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(channel.stderr, { end: false });
  // A client that goes away ends its git; a receive-pack's partial work is still recorded below.
  void closed.then(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });
  const status = await exited;

  if (parsed.service === "git-receive-pack") {
    try {
      await deps.codecommit.recordPush(repo.repositoryId, principal.arn);
    } catch (err) {
      // The repository may have been deleted while the push ran: nothing is left to record.
      deps.logger.warn({ err, repository: repo.name }, "could not record a push over SSH");
    }
  }
  return status;
}

function refuse(channel: ServerChannel, message: string): number {
  channel.stderr.write(`pipewright: ${message}\n`);
  return 1;
}

/**
 * Sends the exit status once everything written before it has gone out (ssh2 sends the status at
 * once, ahead of data still waiting for the client's window), then closes the channel.
 */
async function finish(
  channel: ServerChannel,
  status: number | string,
  closed: Promise<void>,
  message?: string,
): Promise<void> {
  if (message) channel.stderr.write(message);
  await Promise.race([Promise.all([drained(channel), drained(channel.stderr)]), closed]);
  if (typeof status === "number") channel.exit(status);
  else channel.exit(status.replace(/^SIG/, ""), false, "");
  channel.end();
}

/** Resolves when everything written to `stream` so far has been handed on (writes run in order). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write(Buffer.alloc(0), () => resolve());
  });
}
