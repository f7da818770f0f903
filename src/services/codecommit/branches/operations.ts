import { z } from "zod";
import { RefConflictError, resolveCommit, setHead, updateRef } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import { branchRef, checkBranchName, checkCommitId } from "../checks.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { keysetPage, resumeAfter } from "../pagination.js";
import { actorOf, recordRefChanges } from "../ref-changes.js";
import { gitDirOfRow, repositoryArn, requireRepository } from "../repositories/rows.js";
import { branchCommit, branchNotFound } from "./git.js";
import { recordedBranchCommit, recordedBranchNames } from "./rows.js";

const Name = z.string().optional();

/** ListBranches returns up to 100 names a page (it takes no maxResults). */
const BRANCH_PAGE = 100;

/** CreateBranch: a new branch at an existing commit. */
export function createBranch(rt: CodeCommitRuntime) {
  return operation({
    name: "CreateBranch",
    input: z.object({ repositoryName: Name, branchName: Name, commitId: Name }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const branch = checkBranchName(input.branchName);
      const commitId = checkCommitId(input.commitId);
      const gitDir = gitDirOfRow(rt, repo);
      if ((await resolveCommit(gitDir, commitId)) === undefined) {
        throw codecommitError(
          "CommitDoesNotExistException",
          `Commit ${commitId} does not exist in ${repo.name}.`,
        );
      }
      try {
        await updateRef(
          gitDir,
          branchRef(branch),
          commitId,
          undefined,
          `CreateBranch by ${ctx.principal.arn}`,
        );
      } catch (err) {
        if (err instanceof RefConflictError) {
          throw codecommitError(
            "BranchNameExistsException",
            `Branch ${branch} already exists in ${repo.name}.`,
          );
        }
        throw err;
      }
      await recordRefChanges(rt, ctx.trx, repo.repository_id, actorOf(ctx), { refs: [branchRef(branch)] });
      return {};
    },
  });
}

/** GetBranch: from the recorded refs, one row by key. */
export function getBranch(_rt: CodeCommitRuntime) {
  return operation({
    name: "GetBranch",
    input: z.object({ repositoryName: Name, branchName: Name }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const branch = checkBranchName(input.branchName);
      const commitId = await recordedBranchCommit(ctx.trx, repo.repository_id, branch);
      if (commitId === undefined) throw branchNotFound(branch);
      return { branch: { branchName: branch, commitId } };
    },
  });
}

/** ListBranches: recorded branch names in byte order (git's ref order), 100 a page, resuming after the last name. */
export function listBranches(_rt: CodeCommitRuntime) {
  return operation({
    name: "ListBranches",
    input: z.object({ repositoryName: Name, nextToken: z.string().optional() }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const listing = `branches:${repo.repository_id}`;
      const after = resumeAfter(listing, input.nextToken, { b: "string" });
      const names = await recordedBranchNames(ctx.trx, repo.repository_id, after?.b, BRANCH_PAGE + 1);
      const { items, nextToken } = keysetPage(listing, names, BRANCH_PAGE, (b) => ({ b }));
      return { branches: items, ...(nextToken !== undefined ? { nextToken } : {}) };
    },
  });
}

/** DeleteBranch: never the default branch; a branch that does not exist is no error (AWS returns nothing). */
export function deleteBranch(rt: CodeCommitRuntime) {
  return operation({
    name: "DeleteBranch",
    input: z.object({ repositoryName: Name, branchName: Name }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const branch = checkBranchName(input.branchName);
      if (repo.default_branch === branch) {
        throw codecommitError(
          "DefaultBranchCannotBeDeletedException",
          `${branch} is the default branch of ${repo.name}; make another branch the default first.`,
        );
      }
      const commitId = await branchCommit(rt, repo, branch);
      if (commitId === undefined) return {};
      await updateRef(
        gitDirOfRow(rt, repo),
        branchRef(branch),
        undefined,
        commitId,
        `DeleteBranch by ${ctx.principal.arn}`,
      );
      await recordRefChanges(rt, ctx.trx, repo.repository_id, actorOf(ctx), { refs: [branchRef(branch)] });
      return { deletedBranch: { branchName: branch, commitId } };
    },
  });
}

/** UpdateDefaultBranch: HEAD follows, so new clones check the branch out. */
export function updateDefaultBranch(rt: CodeCommitRuntime) {
  return operation({
    name: "UpdateDefaultBranch",
    input: z.object({ repositoryName: Name, defaultBranchName: Name }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const branch = checkBranchName(input.defaultBranchName, "defaultBranchName");
      if ((await branchCommit(rt, repo, branch)) === undefined) throw branchNotFound(branch);
      await setHead(gitDirOfRow(rt, repo), branch);
      await ctx.trx
        .updateTable("codecommit_repositories")
        .set({ default_branch: branch, last_modified_at: rt.clock.now() })
        .where("repository_id", "=", repo.repository_id)
        .execute();
      return {};
    },
  });
}
