import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gitText, runGit } from "./git.js";

/** One side of a path in a merge: its mode (`100644`, `100755`, `120000`, `160000`, `040000`) and object. */
export interface TreeEntry {
  mode: string;
  oid: string;
}

/** A path git could not merge, with its entry in the merge base (1), ours (2) and theirs (3). */
export interface MergeTreeConflict {
  path: string;
  base?: TreeEntry;
  ours?: TreeEntry;
  theirs?: TreeEntry;
}

/** What `git merge-tree --write-tree` produced: a tree (with conflict markers where it had to) and the conflicts. */
export interface MergeTreeResult {
  tree: string;
  conflicts: MergeTreeConflict[];
}

/**
 * Merges `theirs` into `ours` without a work tree (`git merge-tree --write-tree`, git 2.38+) and
 * writes the result's tree. Unrelated histories are merged as if from an empty base.
 */
export async function mergeTrees(gitDir: string, ours: string, theirs: string): Promise<MergeTreeResult> {
  const { exitCode, stdout } = await runGit(
    ["merge-tree", "--write-tree", "-z", "--allow-unrelated-histories", ours, theirs],
    { gitDir, okExitCodes: [1] },
  );
  // -z: "<tree>\0" then, with conflicts, "<mode> <oid> <stage>\t<path>\0" per entry, then "\0" and
  // the informational messages.
  const fields = stdout.toString("utf8").split("\0");
  const tree = fields[0] ?? "";
  const byPath = new Map<string, MergeTreeConflict>();
  if (exitCode === 1) {
    for (const field of fields.slice(1)) {
      if (field === "") break;
      const match = /^(\d+) ([0-9a-f]+) ([123])\t(.*)$/s.exec(field);
      if (!match) continue;
      const [, mode = "", oid = "", stage = "", file = ""] = match;
      const conflict = byPath.get(file) ?? { path: file };
      const entry = { mode, oid };
      if (stage === "1") conflict.base = entry;
      else if (stage === "2") conflict.ours = entry;
      else conflict.theirs = entry;
      byPath.set(file, conflict);
    }
  }
  return { tree, conflicts: [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

/** A path that differs between two commits (renames not followed). */
export interface PathChange {
  path: string;
  /** `A`dded, `M`odified (content, mode or type) or `D`eleted. */
  status: "A" | "M" | "D";
  old?: TreeEntry;
  new?: TreeEntry;
}

/** Every file (blob, symlink, submodule) that differs between two commits or trees. */
export async function changedPaths(
  gitDir: string,
  from: string,
  to: string,
): Promise<Map<string, PathChange>> {
  const { stdout } = await runGit(["diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", from, to], {
    gitDir,
  });
  const fields = stdout.toString("utf8").split("\0");
  const changes = new Map<string, PathChange>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])/.exec(fields[i] ?? "");
    const file = fields[i + 1] ?? "";
    if (!meta) continue;
    const [, oldMode = "", newMode = "", oldOid = "", newOid = "", letter = ""] = meta;
    const status = letter === "A" ? "A" : letter === "D" ? "D" : "M";
    changes.set(file, {
      path: file,
      status,
      ...(status !== "A" ? { old: { mode: oldMode, oid: oldOid } } : {}),
      ...(status !== "D" ? { new: { mode: newMode, oid: newOid } } : {}),
    });
  }
  return changes;
}

/** The entry at `file` in a commit or tree, or undefined when there is none. */
export async function treeEntry(
  gitDir: string,
  treeish: string,
  file: string,
): Promise<TreeEntry | undefined> {
  const text = await gitText(["ls-tree", "-z", "--full-tree", treeish, "--", file], { gitDir });
  for (const line of text.split("\0")) {
    const match = /^(\d+) \w+ ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (match && match[3] === file) return { mode: match[1] ?? "", oid: match[2] ?? "" };
  }
  return undefined;
}

/** The size of an object in bytes. */
export async function objectSize(gitDir: string, oid: string): Promise<number> {
  return Number(await gitText(["cat-file", "-s", oid], { gitDir }));
}

/** One change to a tree: set `path` to an entry, or delete it. */
export type TreeEdit = { path: string; entry: TreeEntry } | { path: string; delete: true };

/** A new tree: `base` with `edits` applied, written through a throwaway index. */
export async function editTree(gitDir: string, base: string, edits: readonly TreeEdit[]): Promise<string> {
  if (edits.length === 0) return base;
  const dir = await mkdtemp(path.join(tmpdir(), "pw-index-"));
  const env = { GIT_INDEX_FILE: path.join(dir, "index") };
  try {
    await runGit(["read-tree", base], { gitDir, env });
    const lines = edits.map((edit) =>
      "entry" in edit
        ? `${edit.entry.mode} ${edit.entry.oid}\t${edit.path}`
        : `0 ${"0".repeat(40)}\t${edit.path}`,
    );
    await runGit(["update-index", "-z", "--index-info"], { gitDir, env, input: lines.join("\0") + "\0" });
    return await gitText(["write-tree"], { gitDir, env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Author and committer of a commit the server makes. */
export interface CommitIdentity {
  name: string;
  email: string;
  /** Epoch ms; default now. */
  at?: number;
}

/** Writes a commit of `tree` with `parents` and returns its id (no ref moves). */
export async function commitTree(
  gitDir: string,
  tree: string,
  parents: readonly string[],
  message: string,
  identity: CommitIdentity,
): Promise<string> {
  const date = `${Math.floor((identity.at ?? Date.now()) / 1000)} +0000`;
  const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
  return gitText(args, {
    gitDir,
    input: message.endsWith("\n") ? message : `${message}\n`,
    env: {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
      GIT_COMMITTER_DATE: date,
    },
  });
}

/** The tree of a commit. */
export async function commitTreeOf(gitDir: string, commit: string): Promise<string> {
  return gitText(["rev-parse", "--verify", "--end-of-options", `${commit}^{tree}`], { gitDir });
}
