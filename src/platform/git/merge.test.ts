import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changedPaths, commitTree, editTree, mergeTrees, treeEntry } from "./merge.js";

describe("merging without a work tree", () => {
  let dir: string;
  let base: string;
  let ours: string;
  let theirs: string;
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@x",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@x",
      },
    })
      .toString()
      .trim();
  const commit = (files: Record<string, string>, msg: string) => {
    for (const [f, c] of Object.entries(files)) {
      writeFileSync(path.join(dir, f), c);
      git("add", f);
    }
    git("commit", "-q", "-m", msg);
    return git("rev-parse", "HEAD");
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "pw-merge-"));
    git("init", "-q", "-b", "main");
    base = commit({ "f.txt": "a\nb\nc\n", "g.txt": "g\n" }, "base");
    ours = commit({ "f.txt": "A\nb\nc\n" }, "ours");
    git("checkout", "-q", "-b", "side", base);
    theirs = commit({ "f.txt": "Z\nb\nc\n", "h.txt": "h\n" }, "theirs");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const gitDir = () => path.join(dir, ".git");

  it("reports conflicting paths with their three stages", async () => {
    const result = await mergeTrees(gitDir(), ours, theirs);
    expect(result.tree).toMatch(/^[0-9a-f]{40}$/);
    expect(result.conflicts.map((c) => c.path)).toEqual(["f.txt"]);
    expect(result.conflicts[0]?.base?.mode).toBe("100644");
    expect(result.conflicts[0]?.ours?.oid).toBe((await treeEntry(gitDir(), ours, "f.txt"))?.oid);
    expect(result.conflicts[0]?.theirs?.oid).toBe((await treeEntry(gitDir(), theirs, "f.txt"))?.oid);
  });

  it("lists changed paths and edits trees into a commit", async () => {
    const changes = await changedPaths(gitDir(), base, theirs);
    expect([...changes.values()].map((c) => [c.path, c.status])).toEqual([
      ["f.txt", "M"],
      ["h.txt", "A"],
    ]);
    const theirsF = (await treeEntry(gitDir(), theirs, "f.txt"))!;
    const { tree } = await mergeTrees(gitDir(), ours, theirs);
    const resolved = await editTree(gitDir(), tree, [
      { path: "f.txt", entry: theirsF },
      { path: "g.txt", delete: true },
    ]);
    const made = await commitTree(gitDir(), resolved, [ours, theirs], "merge", { name: "M", email: "" });
    expect(git("log", "-1", "--format=%P|%an|%ae", made)).toBe(`${ours} ${theirs}|M|`);
    expect(git("show", `${made}:f.txt`)).toBe("Z\nb\nc");
    expect(git("ls-tree", "--name-only", made).split("\n")).toEqual(["f.txt", "h.txt"]);
  });
});
