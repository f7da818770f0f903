import { execFileSync } from "node:child_process";
import {
  CodeCommitClient,
  CreateCommitCommand,
  CreateRepositoryCommand,
  GetDifferencesCommand,
  GetFileCommand,
  type Difference,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, startTestServer, type TestServer } from "../support/server.js";

const text = (s: string) => new TextEncoder().encode(s);

const dialects = hasPostgres() ? (["sqlite", "postgres"] as const) : (["sqlite"] as const);

describe.each(dialects)("CodeCommit CreateCommit and GetDifferences through the SDK (%s)", (dialect) => {
  let server: TestServer;
  let cc: CodeCommitClient;
  let gitDir: string;
  const git = (...args: string[]) =>
    execFileSync("git", ["--git-dir", gitDir, ...args], {
      env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" },
    })
      .toString()
      .trim();
  const repo = { repositoryName: "commits", branchName: "main" };

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    cc = new CodeCommitClient(server.clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "commits" }));
    gitDir = (await server.codecommit.git.findRepository(
      { accountId: "000000000000", region: "us-east-1" },
      "commits",
    ))!.gitDir;
  });
  afterAll(async () => {
    cc?.destroy();
    await server?.stop();
  });

  let c1 = "";
  let c2 = "";

  it("creates a first commit of many files, then copies, moves, deletes and changes modes", async () => {
    const created = await cc.send(
      new CreateCommitCommand({
        ...repo,
        authorName: "Mary Major",
        email: "mary@example.com",
        commitMessage: "initial",
        putFiles: [
          { filePath: "readme.md", fileContent: text("Welcome") },
          { filePath: "src/a.txt", fileContent: text("a") },
          { filePath: "src/b.txt", fileContent: text("b") },
          { filePath: "tools/build.sh", fileContent: text("#!/bin/sh\n"), fileMode: "EXECUTABLE" },
        ],
      }),
    );
    c1 = created.commitId!;
    expect(created.treeId).toBe(git("rev-parse", `${c1}^{tree}`));
    expect(created.filesAdded?.map((f) => [f.absolutePath, f.fileMode])).toEqual([
      ["readme.md", "NORMAL"],
      ["src/a.txt", "NORMAL"],
      ["src/b.txt", "NORMAL"],
      ["tools/build.sh", "EXECUTABLE"],
    ]);
    expect(created.filesUpdated).toEqual([]);
    expect(created.filesDeleted).toEqual([]);

    const next = await cc.send(
      new CreateCommitCommand({
        ...repo,
        parentCommitId: c1,
        putFiles: [
          { filePath: "readme.md", fileContent: text("Welcome!") },
          { filePath: "lib/a.txt", sourceFile: { filePath: "src/a.txt", isMove: true } },
          { filePath: "copy-of-b.txt", sourceFile: { filePath: "src/b.txt" } },
        ],
        deleteFiles: [{ filePath: "src/b.txt" }],
        setFileModes: [{ filePath: "tools/build.sh", fileMode: "NORMAL" }],
      }),
    );
    c2 = next.commitId!;
    expect(
      git("ls-tree", "-r", c2)
        .replace(/ [0-9a-f]{40}/g, "")
        .split("\n"),
    ).toEqual([
      "100644 blob\tcopy-of-b.txt",
      "100644 blob\tlib/a.txt",
      "100644 blob\treadme.md",
      "100644 blob\ttools/build.sh",
    ]);
    expect(next.filesAdded?.map((f) => f.absolutePath).sort()).toEqual(["copy-of-b.txt", "lib/a.txt"]);
    expect(next.filesUpdated?.map((f) => [f.absolutePath, f.fileMode])).toEqual([
      ["readme.md", "NORMAL"],
      ["tools/build.sh", "NORMAL"],
    ]);
    expect(next.filesDeleted?.map((f) => f.absolutePath).sort()).toEqual(["src/a.txt", "src/b.txt"]);
    expect(git("log", "--format=%an <%ae>|%s", "-1", c1)).toBe("Mary Major <mary@example.com>|initial");
    expect(git("rev-parse", `${c2}^`)).toBe(c1);
    const copied = await cc.send(
      new GetFileCommand({ repositoryName: "commits", filePath: "copy-of-b.txt" }),
    );
    expect(new TextDecoder().decode(copied.fileContent)).toBe("b");
  });

  it.each([
    ["FileEntryRequiredException", {}],
    ["NoChangeException", { putFiles: [{ filePath: "readme.md", fileContent: text("Welcome!") }] }],
    ["NoChangeException", { setFileModes: [{ filePath: "readme.md", fileMode: "NORMAL" as const }] }],
    [
      "SamePathRequestException",
      { putFiles: [{ filePath: "x", fileContent: text("1") }], deleteFiles: [{ filePath: "x" }] },
    ],
    [
      "PutFileEntryConflictException",
      {
        putFiles: [
          { filePath: "x", fileContent: text("1") },
          { filePath: "x/y", fileContent: text("2") },
        ],
      },
    ],
    [
      "FileContentAndSourceFileSpecifiedException",
      { putFiles: [{ filePath: "x", fileContent: text("1"), sourceFile: { filePath: "readme.md" } }] },
    ],
    ["SourceFileOrContentRequiredException", { putFiles: [{ filePath: "x" }] }],
    ["FileDoesNotExistException", { deleteFiles: [{ filePath: "nope.txt" }] }],
    ["FileDoesNotExistException", { putFiles: [{ filePath: "x", sourceFile: { filePath: "nope" } }] }],
    ["FileModeRequiredException", { setFileModes: [{ filePath: "readme.md" }] }],
    [
      "DirectoryNameConflictsWithFileNameException",
      { putFiles: [{ filePath: "readme.md/x", fileContent: text("1") }] },
    ],
    ["InvalidPathException", { deleteFiles: [{ filePath: "../readme.md" }] }],
    [
      "MaximumFileEntriesExceededException",
      { deleteFiles: Array.from({ length: 101 }, (_, i) => ({ filePath: `f${i}` })) },
    ],
    [
      "FolderContentSizeLimitExceededException",
      {
        putFiles: [
          { filePath: "big/1", fileContent: new Uint8Array(3 * 1024 * 1024) },
          { filePath: "big/2", fileContent: new Uint8Array(3 * 1024 * 1024 + 1) },
        ],
      },
    ],
  ])("refuses with %s", async (name, change) => {
    await expect(
      cc.send(new CreateCommitCommand({ ...repo, parentCommitId: c2, ...change } as never)),
    ).rejects.toMatchObject({
      name,
    });
  });

  it("refuses a commit whose parent is no longer the tip", async () => {
    await expect(
      cc.send(
        new CreateCommitCommand({ ...repo, parentCommitId: c1, deleteFiles: [{ filePath: "readme.md" }] }),
      ),
    ).rejects.toMatchObject({ name: "ParentCommitIdOutdatedException" });
    await expect(
      cc.send(new CreateCommitCommand({ ...repo, deleteFiles: [{ filePath: "readme.md" }] })),
    ).rejects.toMatchObject({ name: "ParentCommitIdRequiredException" });
  });

  it("lets exactly one of two racing commits on the same parent win", async () => {
    const race = (n: number) =>
      cc.send(
        new CreateCommitCommand({
          ...repo,
          parentCommitId: c2,
          putFiles: [{ filePath: `race-${n}.txt`, fileContent: text(String(n)) }],
        }),
      );
    const results = await Promise.allSettled([race(1), race(2)]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.reason)).toMatchObject([{ name: "ParentCommitIdOutdatedException" }]);
    const tip = (won[0] as PromiseFulfilledResult<{ commitId?: string }>).value.commitId!;
    expect(git("rev-parse", "refs/heads/main")).toBe(tip);
    expect(git("rev-parse", `${tip}^`)).toBe(c2);
  });

  const summary = (d: Difference[] | undefined) =>
    (d ?? []).map((x) => `${x.changeType} ${x.beforeBlob?.path ?? "-"} ${x.afterBlob?.path ?? "-"}`);

  it("lists differences between commits, page by page", async () => {
    const all = await cc.send(
      new GetDifferencesCommand({
        repositoryName: "commits",
        beforeCommitSpecifier: c1,
        afterCommitSpecifier: c2,
      }),
    );
    expect(summary(all.differences)).toEqual([
      "A - copy-of-b.txt",
      "A - lib/a.txt",
      "M readme.md readme.md",
      "D src/a.txt -",
      "D src/b.txt -",
      "M tools/build.sh tools/build.sh",
    ]);
    expect(all.NextToken).toBeUndefined();
    expect(all.differences?.[5]).toEqual({
      changeType: "M",
      beforeBlob: {
        path: "tools/build.sh",
        mode: "100755",
        blobId: git("rev-parse", `${c1}:tools/build.sh`),
      },
      afterBlob: { path: "tools/build.sh", mode: "100644", blobId: git("rev-parse", `${c2}:tools/build.sh`) },
    });

    const pages: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await cc.send(
        new GetDifferencesCommand({
          repositoryName: "commits",
          beforeCommitSpecifier: c1,
          afterCommitSpecifier: c2,
          MaxResults: 4,
          NextToken,
        }),
      );
      expect(page.differences!.length).toBeLessThanOrEqual(4);
      pages.push(...summary(page.differences));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(pages).toEqual(summary(all.differences));

    const initial = await cc.send(
      new GetDifferencesCommand({ repositoryName: "commits", afterCommitSpecifier: c1 }),
    );
    expect(summary(initial.differences)).toEqual([
      "A - readme.md",
      "A - src/a.txt",
      "A - src/b.txt",
      "A - tools/build.sh",
    ]);
    const inSrc = await cc.send(
      new GetDifferencesCommand({
        repositoryName: "commits",
        beforeCommitSpecifier: c1,
        afterCommitSpecifier: c2,
        afterPath: "src",
      }),
    );
    expect(summary(inSrc.differences)).toEqual(["D src/a.txt -", "D src/b.txt -"]);
    const renamed = await cc.send(
      new GetDifferencesCommand({
        repositoryName: "commits",
        beforeCommitSpecifier: c1,
        afterCommitSpecifier: c2,
        beforePath: "src",
        afterPath: "lib",
      }),
    );
    expect(summary(renamed.differences)).toEqual(["D src/b.txt -"]);
  });

  it.each([
    ["InvalidMaxResultsException", { afterCommitSpecifier: "main", MaxResults: 0 }],
    ["CommitRequiredException", {}],
    ["CommitDoesNotExistException", { afterCommitSpecifier: "nope" }],
    ["PathDoesNotExistException", { afterCommitSpecifier: "main", afterPath: "nowhere" }],
    ["InvalidContinuationTokenException", { afterCommitSpecifier: "main", NextToken: "garbage" }],
  ])("GetDifferences refuses with %s", async (name, input) => {
    await expect(
      cc.send(new GetDifferencesCommand({ repositoryName: "commits", ...input } as never)),
    ).rejects.toMatchObject({ name });
  });
});
