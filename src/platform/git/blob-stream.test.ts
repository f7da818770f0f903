import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAll } from "../archive/index.js";
import { BlobReader, listTreeFiles } from "./blob-stream.js";

describe("reading a tree's blobs as streams", () => {
  let dir: string;
  let gitDir: string;
  let commit: string;
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@x",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@x",
      },
    })
      .toString()
      .trim();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "pw-blobs-"));
    git("init", "-q", "-b", "main");
    mkdirSync(path.join(dir, "sub dir"));
    writeFileSync(path.join(dir, "sub dir", "a b.txt"), "spaces\n");
    writeFileSync(path.join(dir, "empty"), "");
    writeFileSync(path.join(dir, "big.bin"), Buffer.alloc(3 * 1024 * 1024, 7));
    symlinkSync("empty", path.join(dir, "link"));
    git("add", "-A");
    git("commit", "-q", "-m", "c");
    commit = git("rev-parse", "HEAD");
    gitDir = path.join(dir, ".git");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists files, links and names with spaces, recursively", async () => {
    const files = await listTreeFiles(gitDir, commit);
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ["big.bin", "100644"],
      ["empty", "100644"],
      ["link", "120000"],
      ["sub dir/a b.txt", "100644"],
    ]);
  });

  it("streams blob after blob from one process, empty and multi-megabyte ones included", async () => {
    const files = await listTreeFiles(gitDir, commit);
    const reader = BlobReader.open(gitDir);
    try {
      const contents: Buffer[] = [];
      for (const file of files) {
        const blob = await reader.read(file.oid);
        const bytes = await readAll(blob.stream);
        expect(bytes.length).toBe(blob.size);
        contents.push(bytes);
      }
      expect(contents.map((c) => c.length)).toEqual([3 * 1024 * 1024, 0, 5, 7]);
      expect(contents[0]!.every((b) => b === 7)).toBe(true);
      expect(contents[2]!.toString()).toBe("empty");
      expect(contents[3]!.toString()).toBe("spaces\n");
    } finally {
      await reader.close();
    }
  });

  it("refuses a missing object, a tree, and a second read before the first is done", async () => {
    const reader = BlobReader.open(gitDir);
    try {
      await expect(reader.read("0".repeat(40))).rejects.toThrow("is not a blob in this repository");
      await expect(reader.read(git("rev-parse", `${commit}^{tree}`))).rejects.toThrow("is not a blob");
      await expect(reader.read("HEAD")).rejects.toThrow("not an object id");
      const files = await listTreeFiles(gitDir, commit);
      await reader.read(files[0]!.oid);
      await expect(reader.read(files[1]!.oid)).rejects.toThrow("has not been read to its end");
    } finally {
      await reader.close();
    }
  });
});
