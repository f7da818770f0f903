import { checkRepositoryName } from "./checks.js";
import type { CodeCommitRuntime } from "./deps.js";
import { recordRefChangesNow, type RefChange } from "./ref-changes.js";
import { findRepository, gitDirOfRow, repositoryArn } from "./repositories/rows.js";

/** A repository as the git transports (HTTP and SSH) see it. */
export interface GitRepositoryHandle {
  repositoryId: string;
  name: string;
  /** `arn:aws:codecommit:…`, the resource of the `codecommit:GitPull` / `GitPush` check. */
  arn: string;
  /** The bare repository to run `git http-backend`, `git-upload-pack` or `git-receive-pack` in. */
  gitDir: string;
}

/** What the git transports need from CodeCommit. */
export interface CodeCommitGit {
  /**
   * The repository `name` in the server's account and region, or undefined — also for names that
   * are not valid repository names, so a path like `../x` can never reach the file system.
   */
  findRepository(
    scope: { accountId: string; region: string },
    name: string,
  ): Promise<GitRepositoryHandle | undefined>;
  /**
   * Records what a finished `git-receive-pack` changed (events, default branch). Call it after
   * every receive-pack, whether it succeeded or not: a push rejected halfway may still have moved
   * some refs, and the comparison finds exactly those.
   */
  recordPush(repositoryId: string, callerUserArn: string): Promise<RefChange[]>;
}

export function createGitAccess(rt: CodeCommitRuntime): CodeCommitGit {
  return {
    async findRepository(scope, name) {
      try {
        checkRepositoryName(name);
      } catch {
        return undefined;
      }
      const row = await findRepository(rt.store.db, scope, name);
      if (!row) return undefined;
      return {
        repositoryId: row.repository_id,
        name: row.name,
        arn: repositoryArn(scope, row.name),
        gitDir: gitDirOfRow(rt, row),
      };
    },
    recordPush: (repositoryId, callerUserArn) => recordRefChangesNow(rt, repositoryId, { callerUserArn }),
  };
}
