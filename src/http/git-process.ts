import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { Logger } from "../core/index.js";
import { gitEnv } from "../platform/git/index.js";
import type { CodeCommitGit, GitRepositoryHandle, RefChange } from "../services/codecommit/index.js";
import type { Principal } from "../services/kit/index.js";

/** The two git services a client asks for: fetch/clone and push. */
export type GitService = "git-upload-pack" | "git-receive-pack";

/** The IAM action a git service needs on the repository's ARN. */
export function gitServiceAction(service: GitService): "codecommit:GitPull" | "codecommit:GitPush" {
  return service === "git-receive-pack" ? "codecommit:GitPush" : "codecommit:GitPull";
}

/** One git process serving one request for one principal on one repository. */
export interface GitProcessOptions {
  /** CodeCommit's git access: records what a push changed. */
  git: CodeCommitGit;
  repository: GitRepositoryHandle;
  /** Who is served; a push's events name this principal's ARN as `callerUserArn`. */
  principal: Principal;
  /** git's arguments, e.g. `["http-backend"]` or `["receive-pack", gitDir]`. */
  args: readonly string[];
  /** Environment added to {@link gitEnv}'s (CGI variables, `GIT_PROTOCOL`). */
  env?: Record<string, string>;
  /**
   * True when the process may move refs (a `git-receive-pack` that reads commands): its changes
   * are recorded after it exits, whatever its exit status, before {@link GitProcess.finished}
   * resolves. False for ref advertisements and fetches.
   */
  recordPush: boolean;
  logger: Logger;
}

/** What a finished git process did. */
export interface GitProcessResult {
  /** Exit status, or null when a signal ended it (or it never started). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The refs the push moved (empty for fetches and rejected pushes). */
  changes: RefChange[];
}

/** A running git process: its pipes, and a promise for its end. */
export interface GitProcess {
  /** git's standard input: the client's request bytes. Errors (git exited early) are swallowed. */
  stdin: Writable;
  /** git's standard output: the bytes for the client. */
  stdout: Readable;
  /** The first 64 KiB git wrote to stderr, for logs. */
  stderr(): string;
  /**
   * Resolves once git has exited and, when {@link GitProcessOptions.recordPush}, what it changed is
   * committed as "CodeCommit Repository State Change" events — so a client answered after this
   * resolves sees its events already recorded. Never rejects.
   */
  finished: Promise<GitProcessResult>;
  /** Ends git early (the client went away); a no-op once it exited. */
  kill(): void;
}

/**
 * Starts git for a transport (HTTP's `git http-backend`, or SSH's `git-upload-pack` and
 * `git-receive-pack`) in the server's clean git environment, and records the push when it ends.
 */
export function startGitProcess(options: GitProcessOptions): GitProcess {
  const child = spawn("git", options.args, {
    env: gitEnv(options.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  // git may exit before reading all its input (a rejected push, a client that went away).
  child.stdin.on("error", () => undefined);
  child.stdout.on("error", () => undefined);
  let exited = false;
  const exit = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("error", (err) => {
      options.logger.error({ err, args: options.args }, "git could not be started");
      exited = true;
      resolve({ exitCode: null, signal: null });
    });
    child.once("close", (exitCode, signal) => {
      exited = true;
      resolve({ exitCode, signal });
    });
  });
  const finished = exit.then(async ({ exitCode, signal }) => {
    if (exitCode !== 0) {
      options.logger.debug(
        { args: options.args, exitCode, signal, stderr, repository: options.repository.name },
        "git exited with a failure",
      );
    }
    let changes: RefChange[] = [];
    if (options.recordPush) {
      try {
        changes = await options.git.recordPush(options.repository.repositoryId, options.principal.arn);
      } catch (err) {
        // The refs moved in git are found again at the next start (CodeCommit's recover()) or the next push.
        options.logger.error({ err, repository: options.repository.name }, "recording a push failed");
      }
    }
    return { exitCode, signal, changes };
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: () => stderr,
    finished,
    kill() {
      if (!exited) child.kill("SIGTERM");
    },
  };
}
