import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import type { BusEvent } from "../../src/platform/bus/index.js";
import type { TestServer } from "../support/server.js";

/**
 * A scratch clone of a server's bare repository: commits are made with real git and pushed straight
 * into the bare directory, then recorded as a push is (`recordPush`), as git over HTTP will.
 */
export class WorkTree {
  readonly dir = mkdtempSync(path.join(tmpdir(), "pw-pr-"));

  constructor(
    private readonly server: TestServer,
    readonly repositoryId: string,
    readonly gitDir: string,
  ) {
    this.git("init", "-q", "-b", "main");
  }

  /** Runs git in the work tree and returns its trimmed output. */
  git(...args: string[]): string {
    return execFileSync("git", args, {
      cwd: this.dir,
      env: {
        PATH: process.env.PATH,
        HOME: this.dir,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: "T",
        GIT_AUTHOR_EMAIL: "t@x",
        GIT_COMMITTER_NAME: "T",
        GIT_COMMITTER_EMAIL: "t@x",
      },
    })
      .toString()
      .trim();
  }

  /** Checks out `branch` (created from `from` when given) as it is in the bare repository. */
  checkout(branch: string, from?: string): void {
    this.git("fetch", "-q", this.gitDir, "+refs/heads/*:refs/remotes/origin/*");
    if (from !== undefined) this.git("checkout", "-q", "-B", branch, `origin/${from}`);
    else this.git("checkout", "-q", "-B", branch, `origin/${branch}`);
  }

  /** Writes files and commits them on the current branch; returns the commit. */
  commit(files: Record<string, string>, message = "change"): string {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
      writeFileSync(path.join(this.dir, file), content);
      this.git("add", file);
    }
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  /** Pushes the current branch (or `refspec`) into the bare repository and records the push. */
  async push(branch: string, callerArn = "arn:aws:iam::000000000000:root"): Promise<void> {
    this.git("push", "-q", "--force", this.gitDir, `HEAD:refs/heads/${branch}`);
    await this.server.codecommit.git.recordPush(this.repositoryId, callerArn);
  }

  /** The commit a ref names in the bare repository. */
  bare(...args: string[]): string {
    return execFileSync("git", ["--git-dir", this.gitDir, ...args])
      .toString()
      .trim();
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Creates a repository with `main` holding `files`; returns its work tree. */
export async function repositoryWithMain(
  server: TestServer,
  cc: CodeCommitClient,
  name: string,
  files: Record<string, string>,
): Promise<WorkTree> {
  await cc.send(new CreateRepositoryCommand({ repositoryName: name }));
  const repo = (await server.codecommit.git.findRepository(
    { accountId: server.config.accountId, region: server.config.region },
    name,
  ))!;
  const work = new WorkTree(server, repo.repositoryId, repo.gitDir);
  work.commit(files, "initial");
  await work.push("main");
  return work;
}

/** Collects CodeCommit events from the server's bus. */
export function collectEvents(server: TestServer, name: string): BusEvent[] {
  const events: BusEvent[] = [];
  server.bus.subscribe(name, async (e) => void events.push(e), {
    filter: (e) => e.source === "aws.codecommit",
    startAt: "latest",
  });
  return events;
}
