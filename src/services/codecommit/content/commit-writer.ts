import {
  listRefs,
  objectInfo,
  resolveCommit,
  RefConflictError,
  TreeEditor,
  updateRef,
  writeCommit,
} from "../../../platform/git/index.js";
import type { OperationContext } from "../../kit/index.js";
import { branchNotFound } from "../branches/git.js";
import { branchRef, checkBranchName } from "../checks.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { actorOf, recordRefChanges } from "../ref-changes.js";
import { gitDirOfRow, requireRepository, type RepositoryRow } from "../repositories/rows.js";
import type { Author } from "./checks.js";
import { treeOf } from "./specifiers.js";

/** A branch about to get a commit from PutFile, DeleteFile or CreateCommit. */
export interface BranchWrite {
  repo: RepositoryRow;
  gitDir: string;
  branch: string;
  /** The branch's commit now; undefined for an empty repository's first commit. */
  tip: string | undefined;
  /** The tip's tree, edited by the operation. */
  tree: TreeEditor;
  rootTree: string | undefined;
}

function outdated(branch: string, tip: string) {
  return codecommitError(
    "ParentCommitIdOutdatedException",
    `parentCommitId is not the tip of ${branch}, which is now ${tip}. Use GetBranch for the current tip and try again.`,
  );
}

/**
 * Opens a branch for a commit made through the API. AWS's rules: in an empty repository the first
 * commit needs no parent and creates the branch; otherwise `parentCommitId` is required and must
 * be the branch's current tip ("The commit ID must match the ID of the head commit at the time of
 * the operation").
 */
export async function openBranchWrite(
  rt: CodeCommitRuntime,
  ctx: OperationContext,
  input: {
    repositoryName?: string | undefined;
    branchName?: string | undefined;
    parentCommitId?: string | undefined;
  },
): Promise<BranchWrite> {
  const repo = await requireRepository(ctx, input.repositoryName);
  const branch = checkBranchName(input.branchName);
  const gitDir = gitDirOfRow(rt, repo);
  const refs = await listRefs(gitDir, { only: [branchRef(branch), `refs/tags/${branch}`] });
  const tip = refs.find((r) => r.name === branchRef(branch))?.commitId;
  const parent = input.parentCommitId === "" ? undefined : input.parentCommitId;
  if (parent !== undefined && !/^[0-9a-fA-F]{40}$/.test(parent)) {
    throw codecommitError(
      "InvalidParentCommitIdException",
      `parentCommitId ${JSON.stringify(parent)} is not a full 40-character commit ID.`,
    );
  }
  if (tip === undefined) {
    if (refs.some((r) => r.name === `refs/tags/${branch}`)) {
      throw codecommitError(
        "BranchNameIsTagNameException",
        `${branch} is a tag in ${repo.name}, not a branch; name a branch (ListBranches lists them).`,
      );
    }
    if ((await listRefs(gitDir, { count: 1 })).some((r) => r.name.startsWith("refs/heads/")))
      throw branchNotFound(branch);
  }
  if (parent !== undefined && (await objectInfo(gitDir, parent.toLowerCase()))?.type !== "commit") {
    throw codecommitError(
      "ParentCommitDoesNotExistException",
      `parentCommitId ${parent} does not exist in ${repo.name}.`,
    );
  }
  if (tip !== undefined) {
    if (parent === undefined) {
      throw codecommitError(
        "ParentCommitIdRequiredException",
        `parentCommitId is required: ${branch} is at ${tip}; pass that ID (GetBranch shows it).`,
      );
    }
    if (parent.toLowerCase() !== tip) throw outdated(branch, tip);
  }
  const rootTree = tip === undefined ? undefined : await treeOf(gitDir, tip);
  return { repo, gitDir, branch, tip, tree: new TreeEditor(gitDir, rootTree), rootTree };
}

/**
 * Commits `treeId` on the branch and moves the branch, compare-and-swap against the tip it was
 * opened at: a push that landed in between makes this fail with ParentCommitIdOutdatedException
 * rather than lose the pushed commits. The ref change is recorded (and its event emitted) in the
 * operation's transaction.
 */
export async function commitOnBranch(
  rt: CodeCommitRuntime,
  ctx: OperationContext,
  target: BranchWrite,
  treeId: string,
  author: Author,
  defaultMessage: string,
): Promise<string> {
  const now = rt.clock.now();
  const person = {
    name: author.name !== undefined && author.name.trim() !== "" ? author.name : ctx.principal.arn,
    email: author.email ?? "",
    at: Number(now),
  };
  const commitId = await writeCommit(target.gitDir, {
    treeId,
    parents: target.tip === undefined ? [] : [target.tip],
    message: author.message !== undefined && author.message !== "" ? author.message : defaultMessage,
    author: person,
    committer: person,
  });
  try {
    await updateRef(
      target.gitDir,
      branchRef(target.branch),
      commitId,
      target.tip,
      `API commit by ${ctx.principal.arn}`,
    );
  } catch (err) {
    if (err instanceof RefConflictError) {
      const now = await resolveCommit(target.gitDir, branchRef(target.branch));
      throw outdated(target.branch, now ?? "deleted");
    }
    throw err;
  }
  await recordRefChanges(rt, ctx.trx, target.repo.repository_id, actorOf(ctx), {
    refs: [branchRef(target.branch)],
  });
  return commitId;
}
