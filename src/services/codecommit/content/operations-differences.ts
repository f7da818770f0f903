import { z } from "zod";
import {
  diffTrees,
  EMPTY_TREE,
  TreeEditor,
  type TreeChange,
  type TreeEntry,
} from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { page } from "../pagination.js";
import { gitDirOfRow, repositoryArn, requireRepository } from "../repositories/rows.js";
import { checkPath } from "./checks.js";
import { resolveInRepository, treeOf } from "./specifiers.js";

const Text = z.string().optional();
const DEFAULT_PAGE = 100;

interface BlobMetadata {
  blobId: string;
  path: string;
  mode: string;
}

interface Difference {
  beforeBlob?: BlobMetadata;
  afterBlob?: BlobMetadata;
  changeType: "A" | "M" | "D";
}

function join(dir: string, p: string): string {
  return dir === "" ? p : p === "" ? dir : `${dir}/${p}`;
}

/** A raw change as a `Difference`: type changes (file ↔ symlink) are modifications. */
function toDifference(c: TreeChange, beforeDir = "", afterDir = ""): Difference {
  const changeType = c.status === "A" || c.status === "D" ? c.status : "M";
  return {
    ...(changeType !== "A"
      ? { beforeBlob: { blobId: c.oldOid, path: join(beforeDir, c.path), mode: c.oldMode } }
      : {}),
    ...(changeType !== "D"
      ? { afterBlob: { blobId: c.newOid, path: join(afterDir, c.path), mode: c.newMode } }
      : {}),
    changeType,
  };
}

/**
 * GetDifferences: the files that differ between two commits, or every file of one commit when
 * `beforeCommitSpecifier` is left out ("all changes before the afterCommitSpecifier value are
 * shown"). `beforePath`/`afterPath` limit the comparison to a folder or file; when they differ
 * (a folder renamed between the commits) the two folders are compared with each other. Paths in
 * the answer are full paths from the repository root.
 */
export function getDifferences(rt: CodeCommitRuntime) {
  return operation({
    name: "GetDifferences",
    input: z.object({
      repositoryName: Text,
      beforeCommitSpecifier: Text,
      afterCommitSpecifier: Text,
      beforePath: Text,
      afterPath: Text,
      MaxResults: z.number().int().optional(),
      NextToken: Text,
    }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      if (input.afterCommitSpecifier === undefined || input.afterCommitSpecifier === "") {
        throw codecommitError("CommitRequiredException", "afterCommitSpecifier is required.");
      }
      if (input.MaxResults !== undefined && input.MaxResults < 1) {
        throw codecommitError(
          "InvalidMaxResultsException",
          `MaxResults ${input.MaxResults} is not valid: use a positive number.`,
        );
      }
      const after = await resolveInRepository(rt, repo, input.afterCommitSpecifier, "afterCommitSpecifier");
      const before =
        input.beforeCommitSpecifier === undefined || input.beforeCommitSpecifier === ""
          ? undefined
          : await resolveInRepository(rt, repo, input.beforeCommitSpecifier, "beforeCommitSpecifier");
      const optionalPath = (v: string | undefined, field: string) =>
        v === undefined || v === "" || v === "/" ? undefined : checkPath(v, field);
      const beforePath = optionalPath(input.beforePath, "beforePath");
      const afterPath = optionalPath(input.afterPath, "afterPath");

      const gitDir = gitDirOfRow(rt, repo);
      const beforeTree = before === undefined ? undefined : await treeOf(gitDir, before);
      const afterTree = await treeOf(gitDir, after);
      const at = (tree: string | undefined, p: string) =>
        tree === undefined ? Promise.resolve(undefined) : new TreeEditor(gitDir, tree).entry(p);
      const notFound = (p: string) =>
        codecommitError("PathDoesNotExistException", `${p} exists in neither commit compared.`);

      let differences: Difference[];
      if (beforePath === undefined && afterPath === undefined) {
        differences = (await diffTrees(gitDir, beforeTree ?? EMPTY_TREE, afterTree)).map((c) =>
          toDifference(c),
        );
      } else if (beforePath === undefined || afterPath === undefined || beforePath === afterPath) {
        const p = (beforePath ?? afterPath)!;
        if (!(await at(beforeTree, p)) && !(await at(afterTree, p))) throw notFound(p);
        differences = (await diffTrees(gitDir, beforeTree ?? EMPTY_TREE, afterTree, [p])).map((c) =>
          toDifference(c),
        );
      } else {
        const b = await at(beforeTree, beforePath);
        const a = await at(afterTree, afterPath);
        if (!a && (!b || beforeTree === undefined)) throw notFound(afterPath);
        if (!b && beforeTree !== undefined) throw notFound(beforePath);
        differences = await comparePaths(gitDir, b, beforePath, a, afterPath);
      }
      const listing = `differences:${repo.repository_id}:${before ?? ""}:${after}:${beforePath ?? ""}:${afterPath ?? ""}`;
      const { items, nextToken } = page(
        listing,
        differences,
        input.NextToken,
        input.MaxResults ?? DEFAULT_PAGE,
      );
      return { differences: items, ...(nextToken !== undefined ? { NextToken: nextToken } : {}) };
    },
  });
}

/** Compares what sits at two different paths (a folder or file renamed between the commits). */
async function comparePaths(
  gitDir: string,
  before: TreeEntry | undefined,
  beforePath: string,
  after: TreeEntry | undefined,
  afterPath: string,
): Promise<Difference[]> {
  const asTree = (e: TreeEntry | undefined) =>
    e === undefined ? EMPTY_TREE : e.type === "tree" ? e.oid : undefined;
  const bt = asTree(before);
  const at = asTree(after);
  if (bt !== undefined && at !== undefined) {
    return (await diffTrees(gitDir, bt, at)).map((c) => toDifference(c, beforePath, afterPath));
  }
  // A file on at least one side: one difference between the two entries.
  if (before?.oid === after?.oid && before?.mode === after?.mode) return [];
  const blob = (e: TreeEntry | undefined, p: string) =>
    e && e.type !== "tree" ? { blobId: e.oid, path: p, mode: e.mode } : undefined;
  const beforeBlob = blob(before, beforePath);
  const afterBlob = blob(after, afterPath);
  const changeType = !beforeBlob ? "A" : !afterBlob ? "D" : "M";
  return [{ ...(beforeBlob ? { beforeBlob } : {}), ...(afterBlob ? { afterBlob } : {}), changeType }];
}
