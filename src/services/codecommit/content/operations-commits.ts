import { z } from "zod";
import { readCommits, type CommitObject } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import { checkCommitId } from "../checks.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { gitDirOfRow, repositoryArn, requireRepository } from "../repositories/rows.js";

const Text = z.string().optional();

/**
 * `Commit` as AWS returns it. `UserInfo.date` is git's raw `<epoch seconds> <UTC offset>`
 * ("1484167798 -0800" in the AWS CLI's get-commit example), not an ISO date.
 */
export function commitShape(c: CommitObject) {
  return {
    commitId: c.commitId,
    treeId: c.treeId,
    parents: c.parents,
    message: c.message,
    author: { name: c.author.name, email: c.author.email, date: c.author.date },
    committer: { name: c.committer.name, email: c.committer.email, date: c.committer.date },
    additionalData: "",
  };
}

/** GetCommit: one commit by its full id. */
export function getCommit(rt: CodeCommitRuntime) {
  return operation({
    name: "GetCommit",
    input: z.object({ repositoryName: Text, commitId: Text }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const commitId = checkCommitId(input.commitId);
      const commit = (await readCommits(gitDirOfRow(rt, repo), [commitId])).get(commitId);
      if (!commit) {
        throw codecommitError(
          "CommitIdDoesNotExistException",
          `Commit ${commitId} does not exist in ${repo.name}.`,
        );
      }
      return { commit: commitShape(commit) };
    },
  });
}

/** BatchGetCommits: CodeCommit's limit is 100 ids a request; each bad id is an entry of `errors`. */
export function batchGetCommits(rt: CodeCommitRuntime) {
  return operation({
    name: "BatchGetCommits",
    input: z.object({ repositoryName: Text, commitIds: z.array(z.string()).optional() }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      if (!input.commitIds || input.commitIds.length === 0) {
        throw codecommitError(
          "CommitIdsListRequiredException",
          "commitIds must list at least one commit ID.",
        );
      }
      if (input.commitIds.length > 100) {
        throw codecommitError(
          "CommitIdsLimitExceededException",
          `commitIds lists ${input.commitIds.length} IDs; at most 100 are allowed in one request.`,
        );
      }
      const repo = await requireRepository(ctx, input.repositoryName);
      const ids = [...new Set(input.commitIds)];
      const valid = ids.filter((id) => /^[0-9a-fA-F]{40}$/.test(id));
      const found = await readCommits(
        gitDirOfRow(rt, repo),
        valid.map((id) => id.toLowerCase()),
      );
      const commits: ReturnType<typeof commitShape>[] = [];
      const errors: { commitId: string; errorCode: string; errorMessage: string }[] = [];
      for (const id of ids) {
        if (!valid.includes(id)) {
          errors.push({
            commitId: id,
            errorCode: "InvalidCommitIdException",
            errorMessage: `${JSON.stringify(id)} is not a full 40-character commit ID.`,
          });
          continue;
        }
        const commit = found.get(id.toLowerCase());
        if (commit) commits.push(commitShape(commit));
        else {
          errors.push({
            commitId: id,
            errorCode: "CommitIdDoesNotExistException",
            errorMessage: `Commit ${id} does not exist in ${repo.name}.`,
          });
        }
      }
      return { commits, errors };
    },
  });
}
