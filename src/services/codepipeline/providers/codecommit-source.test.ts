import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  actionRun,
  artifact,
  codeCommitOver,
  openS3Harness,
  PUBLIC_URL,
  TestRepository,
  unzipEntries,
  type S3Harness,
} from "./fixtures/providers.fixture.js";
import { createProviders, parseCloneRef } from "./index.js";
import { ActionFailure, type SyncProvider } from "./types.js";

describe("Source / AWS / CodeCommit", () => {
  let h: S3Harness;
  let root: string;
  let repo: TestRepository;
  let source: SyncProvider;
  let first: string;
  let head: string;
  const output = artifact("SourceOutput");

  beforeAll(async () => {
    h = await openS3Harness();
    await h.createBucket("artifacts");
    root = mkdtempSync(path.join(tmpdir(), "pw-cc-source-"));
    repo = new TestRepository(root, "web-app");
    first = repo.commit({ "README.md": "first\n" }, "First commit");
    head = repo.commit(
      {
        "README.md": "hello\n",
        "src/app.js": "console.log(1);\n",
        "bin/run.sh": { content: "#!/bin/sh\necho run\n", mode: 0o755 },
        "docs/link": { link: "../README.md" },
      },
      "Add the app\n\nWith a body line.",
    );
    repo.commit({ "feature.txt": "on a branch\n" }, "Feature work", "feature/x");
    source = createProviders({
      s3: h.s3,
      codecommit: codeCommitOver([repo]),
      publicUrl: () => PUBLIC_URL,
    })["Source/AWS/CodeCommit"];
  });
  afterAll(async () => {
    await h.close();
    rmSync(root, { recursive: true, force: true });
  });

  const run = (configuration: Record<string, string>, more: Parameters<typeof actionRun>[0] = {}) =>
    source.run(actionRun({ configuration, outputArtifacts: [output], ...more }));
  const failure = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ActionFailure);
    return err as ActionFailure;
  };

  it("zips the branch head's files at the root, keeping executable modes and leaving links and .git out", async () => {
    const result = await run({ RepositoryName: "web-app", BranchName: "main" });
    const files = await unzipEntries(await h.get(output.bucket, output.key));
    expect(Object.keys(files).sort()).toEqual(["README.md", "bin/run.sh", "src/app.js"]);
    expect(files["README.md"]).toEqual({ content: "hello\n", mode: 0o644, type: "file" });
    expect(files["bin/run.sh"]).toMatchObject({ content: "#!/bin/sh\necho run\n", mode: 0o755 });
    expect(files["src/app.js"]?.content).toBe("console.log(1);\n");

    expect(result.outputVariables).toEqual({
      CommitId: head,
      CommitMessage: "Add the app\n\nWith a body line.",
      RepositoryName: "web-app",
      BranchName: "main",
      // The fixture's second commit: authored at 1700000200 (+0200), committed 50 s later (UTC).
      AuthorDate: "2023-11-14T22:16:40Z",
      CommitterDate: "2023-11-14T22:17:30Z",
    });
    expect(result.revision).toEqual({
      revisionId: head,
      revisionSummary: "Add the app\n\nWith a body line.",
      revisionUrl: `${PUBLIC_URL}/v1/repos/web-app`,
      created: new Date(1_700_000_250_000),
    });
  });

  it("fetches the commit the execution carries, even when the branch has moved on", async () => {
    const result = await run({ RepositoryName: "web-app", BranchName: "main" }, { sourceRevision: first });
    const files = await unzipEntries(await h.get(output.bucket, output.key));
    expect(files).toEqual({ "README.md": { content: "first\n", mode: 0o644, type: "file" } });
    expect(result.outputVariables?.CommitId).toBe(first);
    expect(result.revision?.revisionId).toBe(first);
  });

  it("fetches another branch by name, slashes included", async () => {
    const result = await run({ RepositoryName: "web-app", BranchName: "feature/x" });
    const files = await unzipEntries(await h.get(output.bucket, output.key));
    expect(Object.keys(files)).toContain("feature.txt");
    expect(result.outputVariables?.BranchName).toBe("feature/x");
  });

  it("writes a clone reference with OutputArtifactFormat CODEBUILD_CLONE_REF", async () => {
    const result = await run({
      RepositoryName: "web-app",
      BranchName: "main",
      OutputArtifactFormat: "CODEBUILD_CLONE_REF",
    });
    const object = await h.s3.headObject({ bucket: output.bucket, key: output.key });
    expect(object.info.metadata).toEqual({ "codepipeline-artifact-format": "CODEBUILD_CLONE_REF" });
    expect(object.info.contentType).toBe("application/json");
    const ref = parseCloneRef((await h.get(output.bucket, output.key)).toString("utf8"));
    expect(ref).toEqual({
      format: "CODEBUILD_CLONE_REF",
      provider: "CodeCommit",
      repositoryName: "web-app",
      repositoryArn: "arn:aws:codecommit:us-east-1:111122223333:web-app",
      cloneUrlHttp: `${PUBLIC_URL}/v1/repos/web-app`,
      branchName: "main",
      commitId: head,
    });
    expect(result.outputVariables?.CommitId).toBe(head);
  });

  it("names a missing repository", async () => {
    const err = await failure(run({ RepositoryName: "nope", BranchName: "main" }));
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain("The repository nope does not exist");
  });

  it("names a missing branch", async () => {
    const err = await failure(run({ RepositoryName: "web-app", BranchName: "release" }));
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain("The branch release does not exist in repository web-app");
  });

  it("refuses a branch name that is a revision expression, not a branch", async () => {
    const err = await failure(run({ RepositoryName: "web-app", BranchName: "main~1" }));
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain('BranchName "main~1" is not a valid branch name');
  });

  it("names a commit the repository does not have", async () => {
    const missing = "0123456789abcdef0123456789abcdef01234567";
    const err = await failure(
      run({ RepositoryName: "web-app", BranchName: "main" }, { sourceRevision: missing }),
    );
    expect(err.code).toBe("RevisionUnavailable");
    expect(err.message).toBe(`Commit ${missing} does not exist in repository web-app.`);
  });

  it("refuses a source revision that is not a full commit id", async () => {
    const err = await failure(
      run({ RepositoryName: "web-app", BranchName: "main" }, { sourceRevision: "main" }),
    );
    expect(err.code).toBe("RevisionUnavailable");
    expect(err.message).toContain('"main" is not a full commit id');
  });

  it("refuses a revision that names a tree rather than a commit", async () => {
    const tree = repo.git("rev-parse", `${head}^{tree}`);
    const err = await failure(
      run({ RepositoryName: "web-app", BranchName: "main" }, { sourceRevision: tree }),
    );
    expect(err.code).toBe("RevisionUnavailable");
    expect(err.message).toContain("(it names a tree)");
  });

  it("names the missing settings and an unknown OutputArtifactFormat", async () => {
    const noRepo = await failure(run({ BranchName: "main" }));
    expect(noRepo.code).toBe("ConfigurationError");
    expect(noRepo.message).toContain("RepositoryName");
    const noBranch = await failure(run({ RepositoryName: "web-app" }));
    expect(noBranch.message).toContain("BranchName");
    const badFormat = await failure(
      run({ RepositoryName: "web-app", BranchName: "main", OutputArtifactFormat: "TARBALL" }),
    );
    expect(badFormat.message).toBe(
      'OutputArtifactFormat "TARBALL" is not valid; use one of CODE_ZIP, CODEBUILD_CLONE_REF.',
    );
  });

  it("names a missing artifact store bucket", async () => {
    const err = await failure(
      run(
        { RepositoryName: "web-app", BranchName: "main" },
        { outputArtifacts: [{ name: "SourceOutput", bucket: "no-such-store", key: "web/SourceOutput/x" }] },
      ),
    );
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain("the artifact store bucket no-such-store does not exist");
  });

  it("fails with SystemUnavailable when the server has no CodeCommit", async () => {
    const bare = createProviders({ s3: h.s3, publicUrl: () => PUBLIC_URL })["Source/AWS/CodeCommit"];
    const err = await failure(
      bare.run(
        actionRun({
          configuration: { RepositoryName: "web-app", BranchName: "main" },
          outputArtifacts: [output],
        }),
      ),
    );
    expect(err.code).toBe("SystemUnavailable");
  });

  it("streams a repository larger than any buffer it uses, file by file", async () => {
    const big = new TestRepository(root, "big");
    const files: Record<string, string> = {};
    // 300 files, one of 8 MiB: more than one pipe buffer per blob, and many blobs in one git process.
    for (let i = 0; i < 300; i++) files[`f/${String(i).padStart(3, "0")}.txt`] = `file ${i}\n`.repeat(20);
    files["large.bin"] = "x".repeat(8 * 1024 * 1024);
    big.commit(files, "Many files");
    const provider = createProviders({
      s3: h.s3,
      codecommit: codeCommitOver([big]),
      publicUrl: () => PUBLIC_URL,
    })["Source/AWS/CodeCommit"];
    const out = artifact("BigOutput");
    await provider.run(
      actionRun({ configuration: { RepositoryName: "big", BranchName: "main" }, outputArtifacts: [out] }),
    );
    const unzipped = await unzipEntries(await h.get(out.bucket, out.key));
    expect(Object.keys(unzipped)).toHaveLength(301);
    expect(unzipped["f/299.txt"]?.content).toBe("file 299\n".repeat(20));
    expect(unzipped["large.bin"]?.content.length).toBe(8 * 1024 * 1024);
  });

  it("stops midway when the execution is stopped while the zip is streaming, leaving no artifact", async () => {
    const big = new TestRepository(root, "midway");
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`part-${i}.bin`] = `${i}`.repeat(512 * 1024);
    big.commit(files, "Large enough to be stopped halfway");
    const controller = new AbortController();
    // The store aborts the run once the first bytes of the zip reach it.
    const s3 = {
      ...h.s3,
      putObject: (input: Parameters<typeof h.s3.putObject>[0]) => {
        const stream = input.body.stream as Readable;
        stream.once("data", () => controller.abort(new Error("stopped by the engine")));
        return h.s3.putObject(input);
      },
    };
    const provider = createProviders({ s3, codecommit: codeCommitOver([big]), publicUrl: () => PUBLIC_URL })[
      "Source/AWS/CodeCommit"
    ];
    const out = artifact("Stopped");
    await expect(
      provider.run(
        actionRun({
          configuration: { RepositoryName: "midway", BranchName: "main" },
          outputArtifacts: [out],
          signal: controller.signal,
        }),
      ),
    ).rejects.toThrow("stopped by the engine");
    await expect(h.s3.headObject({ bucket: out.bucket, key: out.key })).rejects.toMatchObject({
      code: "NoSuchKey",
    });
  });

  it("stops when the execution is stopped", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped by the engine"));
    await expect(
      run({ RepositoryName: "web-app", BranchName: "main" }, { signal: controller.signal }),
    ).rejects.toThrow("stopped by the engine");
  });
});
