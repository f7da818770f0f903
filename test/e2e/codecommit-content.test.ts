import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  BatchGetCommitsCommand,
  CodeCommitClient,
  CreateRepositoryCommand,
  DeleteFileCommand,
  GetBlobCommand,
  GetBranchCommand,
  GetCommitCommand,
  GetFileCommand,
  GetFolderCommand,
  GetRepositoryCommand,
  PutFileCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "../../src/platform/bus/index.js";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";

const ROOT_ARN = "arn:aws:iam::000000000000:root";
const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe("CodeCommit files and commits through the SDK", () => {
  let server: TestServer;
  let cc: CodeCommitClient;
  let gitDir: string;
  const events: BusEvent[] = [];
  const git = (...args: string[]) =>
    execFileSync("git", ["--git-dir", gitDir, ...args], {
      env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" },
    })
      .toString()
      .trim();

  beforeAll(async () => {
    server = await startTestServer();
    server.bus.subscribe("test.codecommit-content", async (e) => void events.push(e), {
      filter: (e) => e.source === "aws.codecommit",
    });
    cc = new CodeCommitClient(server.clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "files" }));
    const repo = await server.codecommit.git.findRepository(
      { accountId: "000000000000", region: "us-east-1" },
      "files",
    );
    gitDir = repo!.gitDir;
  });
  afterAll(async () => {
    cc?.destroy();
    await server?.stop();
  });

  let first = "";
  let second = "";

  it("makes the first commit of an empty repository without a parent, then requires the tip", async () => {
    const put = await cc.send(
      new PutFileCommand({
        repositoryName: "files",
        branchName: "main",
        filePath: "/docs/README.md",
        fileContent: text("# hello\n"),
        commitMessage: "first",
        name: "Mary Major",
        email: "mary@example.com",
      }),
    );
    first = put.commitId!;
    expect(put.blobId).toBe(git("rev-parse", `${first}:docs/README.md`));
    expect(put.treeId).toBe(git("rev-parse", `${first}^{tree}`));
    expect(
      (await cc.send(new GetBranchCommand({ repositoryName: "files", branchName: "main" }))).branch,
    ).toEqual({ branchName: "main", commitId: first });
    expect(
      (await cc.send(new GetRepositoryCommand({ repositoryName: "files" }))).repositoryMetadata
        ?.defaultBranch,
    ).toBe("main");

    const again = {
      repositoryName: "files",
      branchName: "main",
      filePath: "docs/README.md",
      fileContent: text("v2\n"),
    };
    await expect(cc.send(new PutFileCommand(again))).rejects.toMatchObject({
      name: "ParentCommitIdRequiredException",
    });
    await expect(
      cc.send(new PutFileCommand({ ...again, parentCommitId: "a".repeat(40) })),
    ).rejects.toMatchObject({ name: "ParentCommitDoesNotExistException" });
    await expect(cc.send(new PutFileCommand({ ...again, parentCommitId: "abc" }))).rejects.toMatchObject({
      name: "InvalidParentCommitIdException",
    });
    await expect(
      cc.send(new PutFileCommand({ ...again, fileContent: text("# hello\n"), parentCommitId: first })),
    ).rejects.toMatchObject({ name: "SameFileContentException" });
    await expect(
      cc.send(new PutFileCommand({ ...again, branchName: "other", parentCommitId: first })),
    ).rejects.toMatchObject({ name: "BranchDoesNotExistException" });

    const exec = await cc.send(
      new PutFileCommand({
        ...again,
        filePath: "bin/run.sh",
        fileContent: text("#!/bin/sh\necho hi\n"),
        fileMode: "EXECUTABLE",
        parentCommitId: first,
      }),
    );
    second = exec.commitId!;
    expect(git("ls-tree", second, "bin/run.sh")).toMatch(/^100755 blob /);
    // The first commit is now stale: the tip moved.
    await expect(cc.send(new PutFileCommand({ ...again, parentCommitId: first }))).rejects.toMatchObject({
      name: "ParentCommitIdOutdatedException",
    });

    await expect.poll(() => events.length, { timeout: 5000 }).toBe(2);
    expect(events.map((e) => [e.detail.event, e.detail.referenceName, e.detail.commitId])).toEqual([
      ["referenceCreated", "main", first],
      ["referenceUpdated", "main", second],
    ]);
    expect(events[1]?.detail).toMatchObject({ oldCommitId: first, callerUserArn: ROOT_ARN });
  });

  it("reads files by branch, tag and commit id, and blobs by id", async () => {
    git("tag", "v1", first);
    for (const commitSpecifier of ["main", second, "refs/heads/main", "HEAD", undefined]) {
      const f = await cc.send(
        new GetFileCommand({ repositoryName: "files", commitSpecifier, filePath: "bin/run.sh" }),
      );
      expect(f).toMatchObject({
        commitId: second,
        filePath: "bin/run.sh",
        fileMode: "EXECUTABLE",
        fileSize: 18,
      });
      expect(decode(f.fileContent)).toBe("#!/bin/sh\necho hi\n");
    }
    const tagged = await cc.send(
      new GetFileCommand({ repositoryName: "files", commitSpecifier: "v1", filePath: "docs/README.md" }),
    );
    expect(tagged).toMatchObject({ commitId: first, fileMode: "NORMAL" });
    await expect(
      cc.send(new GetFileCommand({ repositoryName: "files", commitSpecifier: "v1", filePath: "bin/run.sh" })),
    ).rejects.toMatchObject({ name: "FileDoesNotExistException" });
    await expect(
      cc.send(new GetFileCommand({ repositoryName: "files", filePath: "docs" })),
    ).rejects.toMatchObject({ name: "FileDoesNotExistException" });
    await expect(
      cc.send(new GetFileCommand({ repositoryName: "files", commitSpecifier: "nope", filePath: "a" })),
    ).rejects.toMatchObject({ name: "CommitDoesNotExistException" });
    await expect(
      cc.send(new GetFileCommand({ repositoryName: "files", commitSpecifier: "main~1", filePath: "a" })),
    ).rejects.toMatchObject({ name: "InvalidCommitException" });

    const blob = await cc.send(new GetBlobCommand({ repositoryName: "files", blobId: tagged.blobId }));
    expect(decode(blob.content)).toBe("# hello\n");
    await expect(
      cc.send(new GetBlobCommand({ repositoryName: "files", blobId: second })),
    ).rejects.toMatchObject({ name: "BlobIdDoesNotExistException" });
    await expect(
      cc.send(new GetBlobCommand({ repositoryName: "files", blobId: "zz" })),
    ).rejects.toMatchObject({
      name: "InvalidBlobIdException",
    });
  });

  it.each([["../x"], ["a/../b"], [".git/config"], ["a//b"], ["docs/./x"], ["x/.GIT/hooks/pre-receive"]])(
    "refuses the path %j",
    async (filePath) => {
      await expect(
        cc.send(
          new PutFileCommand({
            repositoryName: "files",
            branchName: "main",
            filePath,
            fileContent: text("x"),
            parentCommitId: second,
          }),
        ),
      ).rejects.toMatchObject({ name: "InvalidPathException" });
      await expect(cc.send(new GetFileCommand({ repositoryName: "files", filePath }))).rejects.toMatchObject({
        name: "InvalidPathException",
      });
    },
  );

  it("refuses empty and oversized content and paths that clash with folders", async () => {
    const base = { repositoryName: "files", branchName: "main", parentCommitId: second };
    await expect(
      cc.send(new PutFileCommand({ ...base, filePath: "e.txt", fileContent: new Uint8Array() })),
    ).rejects.toMatchObject({ name: "FileContentRequiredException" });
    await expect(
      cc.send(
        new PutFileCommand({
          ...base,
          filePath: "big.bin",
          fileContent: new Uint8Array(6 * 1024 * 1024 + 1),
        }),
      ),
    ).rejects.toMatchObject({ name: "FileContentSizeLimitExceededException" });
    await expect(
      cc.send(new PutFileCommand({ ...base, filePath: "docs", fileContent: text("x") })),
    ).rejects.toMatchObject({ name: "FileNameConflictsWithDirectoryNameException" });
    await expect(
      cc.send(new PutFileCommand({ ...base, filePath: "bin/run.sh/x", fileContent: text("x") })),
    ).rejects.toMatchObject({ name: "DirectoryNameConflictsWithFileNameException" });
    await expect(
      cc.send(
        new PutFileCommand({ ...base, filePath: "x", fileContent: text("x"), fileMode: "BOGUS" as never }),
      ),
    ).rejects.toMatchObject({ name: "InvalidFileModeException" });
    await expect(
      cc.send(new PutFileCommand({ ...base, filePath: "x", fileContent: text("x"), email: "a <b>" })),
    ).rejects.toMatchObject({ name: "InvalidEmailException" });
  });

  it("lists folders and returns commits with git's raw dates", async () => {
    const link = await cc.send(
      new PutFileCommand({
        repositoryName: "files",
        branchName: "main",
        parentCommitId: second,
        filePath: "docs/latest",
        fileContent: text("README.md"),
        fileMode: "SYMLINK",
      }),
    );
    second = link.commitId!;
    const root = await cc.send(new GetFolderCommand({ repositoryName: "files", folderPath: "" }));
    expect(root).toMatchObject({ commitId: second, folderPath: "", treeId: link.treeId });
    expect(root.subFolders?.map((f) => [f.absolutePath, f.relativePath])).toEqual([
      ["bin", "bin"],
      ["docs", "docs"],
    ]);
    const docs = await cc.send(new GetFolderCommand({ repositoryName: "files", folderPath: "/docs" }));
    expect(docs.treeId).toBe(root.subFolders?.[1]?.treeId);
    expect(docs.files).toEqual([
      {
        absolutePath: "docs/README.md",
        relativePath: "README.md",
        blobId: expect.any(String),
        fileMode: "NORMAL",
      },
    ]);
    expect(docs.symbolicLinks).toEqual([
      {
        absolutePath: "docs/latest",
        relativePath: "latest",
        blobId: expect.any(String),
        fileMode: "SYMLINK",
      },
    ]);
    expect(docs.subModules).toEqual([]);
    await expect(
      cc.send(new GetFolderCommand({ repositoryName: "files", folderPath: "docs/README.md" })),
    ).rejects.toMatchObject({ name: "FolderDoesNotExistException" });

    const { commit } = await cc.send(new GetCommitCommand({ repositoryName: "files", commitId: first }));
    expect(commit).toMatchObject({
      commitId: first,
      treeId: git("rev-parse", `${first}^{tree}`),
      parents: [],
      message: "first",
      author: {
        name: "Mary Major",
        email: "mary@example.com",
        date: expect.stringMatching(/^\d{10} \+0000$/),
      },
      committer: { name: "Mary Major", email: "mary@example.com" },
      additionalData: "",
    });
    const { commit: latest } = await cc.send(
      new GetCommitCommand({ repositoryName: "files", commitId: second }),
    );
    // No name given: AWS uses the caller's ARN as author and committer.
    expect(latest?.author).toMatchObject({ name: ROOT_ARN, email: "" });
    expect(latest?.message).toBe("Added docs/latest");
    await expect(
      cc.send(new GetCommitCommand({ repositoryName: "files", commitId: "b".repeat(40) })),
    ).rejects.toMatchObject({ name: "CommitIdDoesNotExistException" });
    await expect(
      cc.send(new GetCommitCommand({ repositoryName: "files", commitId: "main" })),
    ).rejects.toMatchObject({
      name: "InvalidCommitIdException",
    });

    const batch = await cc.send(
      new BatchGetCommitsCommand({
        repositoryName: "files",
        commitIds: [first, "c".repeat(40), "short", second],
      }),
    );
    expect(batch.commits?.map((c) => c.commitId)).toEqual([first, second]);
    expect(batch.errors?.map((e) => [e.commitId, e.errorCode])).toEqual([
      ["c".repeat(40), "CommitIdDoesNotExistException"],
      ["short", "InvalidCommitIdException"],
    ]);
    await expect(
      cc.send(new BatchGetCommitsCommand({ repositoryName: "files", commitIds: Array(101).fill(first) })),
    ).rejects.toMatchObject({ name: "CommitIdsLimitExceededException" });
  });

  it("deletes files, pruning or keeping the folders they leave empty", async () => {
    const deep = await cc.send(
      new PutFileCommand({
        repositoryName: "files",
        branchName: "main",
        parentCommitId: second,
        filePath: "a/b/c/d.txt",
        fileContent: text("deep"),
      }),
    );
    const kept = await cc.send(
      new DeleteFileCommand({
        repositoryName: "files",
        branchName: "main",
        parentCommitId: deep.commitId,
        filePath: "a/b/c/d.txt",
        keepEmptyFolders: true,
      }),
    );
    expect(kept).toMatchObject({
      filePath: "a/b/c/d.txt",
      blobId: git("rev-parse", `${deep.commitId}:a/b/c/d.txt`),
    });
    expect(git("ls-tree", "-r", "--name-only", kept.commitId!, "a")).toBe("a/b/c/.gitkeep");
    const pruned = await cc.send(
      new DeleteFileCommand({
        repositoryName: "files",
        branchName: "main",
        parentCommitId: kept.commitId,
        filePath: "a/b/c/.gitkeep",
      }),
    );
    expect(git("ls-tree", "--name-only", pruned.commitId!)).toBe("bin\ndocs");
    second = pruned.commitId!;
    await expect(
      cc.send(
        new DeleteFileCommand({
          repositoryName: "files",
          branchName: "main",
          parentCommitId: second,
          filePath: "a/b",
        }),
      ),
    ).rejects.toMatchObject({ name: "FileDoesNotExistException" });
    await expect(
      cc.send(
        // The SDK types parentCommitId as required; the service must still say so itself.
        new DeleteFileCommand({
          repositoryName: "files",
          branchName: "main",
          filePath: "docs/README.md",
        } as never),
      ),
    ).rejects.toMatchObject({ name: "ParentCommitIdRequiredException" });
  });

  it.skipIf(!hasAwsCli())("round-trips a file through the AWS CLI", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pw-cc-cli-"));
    try {
      const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
      writeFileSync(path.join(dir, "data.bin"), bytes);
      const put = await awsCli(
        server,
        [
          "codecommit",
          "put-file",
          "--repository-name",
          "files",
          "--branch-name",
          "main",
          "--file-path",
          "/bin/data.bin",
          "--file-content",
          "fileb://data.bin",
          "--parent-commit-id",
          second,
          "--name",
          "Li Juan",
          "--email",
          "li@example.com",
          "--commit-message",
          "binary",
        ],
        { cwd: dir },
      );
      expect(put.stderr).toBe("");
      const { commitId, blobId } = JSON.parse(put.stdout) as { commitId: string; blobId: string };
      second = commitId;
      const got = await awsCli(server, [
        "codecommit",
        "get-file",
        "--repository-name",
        "files",
        "--commit-specifier",
        "main",
        "--file-path",
        "bin/data.bin",
      ]);
      expect(got.code).toBe(0);
      const file = JSON.parse(got.stdout) as Record<string, unknown>;
      expect(file).toMatchObject({
        commitId,
        blobId,
        filePath: "bin/data.bin",
        fileMode: "NORMAL",
        fileSize: 6,
      });
      expect(Buffer.from(file.fileContent as string, "base64")).toEqual(bytes);
      const stale = await awsCli(server, [
        "codecommit",
        "delete-file",
        "--repository-name",
        "files",
        "--branch-name",
        "main",
        "--file-path",
        "bin/data.bin",
        "--parent-commit-id",
        first,
      ]);
      expect(stale.code).not.toBe(0);
      expect(stale.stderr).toContain("ParentCommitIdOutdatedException");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
