import {
  CodeCommitClient,
  CreatePullRequestCommand,
  MergePullRequestByFastForwardCommand,
  UpdatePullRequestStatusCommand,
} from "@aws-sdk/client-codecommit";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  ListPipelineExecutionsCommand,
  type ActionDeclaration,
  type GitPullRequestEventType,
  type PipelineDeclaration,
  type PipelineExecutionSummary,
} from "@aws-sdk/client-codepipeline";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";
import { repositoryWithMain, type WorkTree } from "./codecommit-pr-support.js";

const ROLE = "arn:aws:iam::000000000000:role/pipeline";
const waiting = (what: string) => ({ timeout: 60_000, interval: 100, message: `waiting for ${what}` });

/** A V2 pipeline: one source action, then an S3 deploy that copies the source artifact to `out/<name>`. */
function pipeline(
  name: string,
  source: Omit<ActionDeclaration, "outputArtifacts">,
  triggers?: PipelineDeclaration["triggers"],
): PipelineDeclaration {
  return {
    name,
    roleArn: ROLE,
    pipelineType: "V2",
    executionMode: "QUEUED",
    artifactStore: { type: "S3", location: "trigger-artifacts" },
    stages: [
      { name: "Source", actions: [{ ...source, outputArtifacts: [{ name: "Src" }] }] },
      {
        name: "Deploy",
        actions: [
          {
            name: "Copy",
            actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
            configuration: { BucketName: "trigger-out", Extract: "false", ObjectKey: name },
            inputArtifacts: [{ name: "Src" }],
          },
        ],
      },
    ],
    ...(triggers ? { triggers } : {}),
  };
}

/**
 * Change detection as users meet it: objects written to a watched S3 key and pull requests of this
 * server's CodeCommit repositories start pipelines, carrying exactly the revision that changed.
 */
describe.each(dialects())("CodePipeline change detection on %s", (dialect) => {
  let server: TestServer;
  let cp: CodePipelineClient;
  let s3: S3Client;
  let cc: CodeCommitClient;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    cp = new CodePipelineClient(server.clientConfig);
    s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    cc = new CodeCommitClient(server.clientConfig);
    for (const bucket of ["trigger-artifacts", "trigger-out", "sources"])
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    cp?.destroy();
    s3?.destroy();
    cc?.destroy();
    await server?.stop();
  });

  /** The pipeline's executions, oldest first. */
  const executions = async (name: string): Promise<PipelineExecutionSummary[]> =>
    (
      (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: name }))).pipelineExecutionSummaries ??
      []
    )
      .slice()
      .reverse();
  /** Waits until the pipeline has `count` executions and the last one has ended; returns them. */
  const settled = async (name: string, count: number) => {
    await expect
      .poll(
        async () => {
          const all = await executions(name);
          return all.length === count && all.every((e) => e.status !== "InProgress") ? "settled" : all.length;
        },
        waiting(`${count} finished executions of ${name}`),
      )
      .toBe("settled");
    return executions(name);
  };
  const deployed = async (key: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: "trigger-out", Key: key }))).Body!.transformToString();
  const bare = (etag: string | undefined) => etag?.replace(/"/g, "");

  describe("S3 sources", () => {
    const source = {
      name: "Fetch",
      actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
      configuration: { S3Bucket: "sources", S3ObjectKey: "app/source.zip", PollForSourceChanges: "false" },
    } as const;

    beforeAll(async () => {
      await s3.send(new PutObjectCommand({ Bucket: "sources", Key: "app/source.zip", Body: "v1" }));
      await cp.send(new CreatePipelineCommand({ pipeline: pipeline("s3-app", source) }));
    });

    it("starts on each PutObject of the watched key, carrying that object's revision", async () => {
      // The execution that creating the pipeline starts wrote artifacts; none of them starts another.
      await settled("s3-app", 1);
      const put = await s3.send(
        new PutObjectCommand({ Bucket: "sources", Key: "app/source.zip", Body: "v2" }),
      );
      const [, second] = await settled("s3-app", 2);
      expect(second).toMatchObject({
        status: "Succeeded",
        trigger: { triggerType: "CloudWatchEvent", triggerDetail: "arn:aws:s3:::sources" },
        sourceRevisions: [{ actionName: "Fetch", revisionId: bare(put.ETag) }],
      });
      expect(await deployed("s3-app")).toBe("v2");

      const again = await s3.send(
        new PutObjectCommand({ Bucket: "sources", Key: "app/source.zip", Body: "v3" }),
      );
      const [, , third] = await settled("s3-app", 3);
      expect(third!.sourceRevisions).toEqual([
        expect.objectContaining({ actionName: "Fetch", revisionId: bare(again.ETag) }),
      ]);
      expect(await deployed("s3-app")).toBe("v3");
    });

    it("starts nothing for other keys, and once for a copy and for a multipart upload", async () => {
      const before = (await executions("s3-app")).length;
      await s3.send(new PutObjectCommand({ Bucket: "sources", Key: "app/other.zip", Body: "other" }));
      await s3.send(new PutObjectCommand({ Bucket: "sources", Key: "app/source.zip/x", Body: "nested" }));
      // Events are handled in commit order: once this copy's execution exists, the puts before it
      // have been handled, and they started nothing.
      const copied = await s3.send(
        new CopyObjectCommand({
          Bucket: "sources",
          Key: "app/source.zip",
          CopySource: "sources/app/other.zip",
        }),
      );
      const afterCopy = await settled("s3-app", before + 1);
      expect(afterCopy.at(-1)!.sourceRevisions![0]!.revisionId).toBe(bare(copied.CopyObjectResult!.ETag));
      expect(await deployed("s3-app")).toBe("other");

      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: "sources", Key: "app/source.zip" }),
      );
      const part = await s3.send(
        new UploadPartCommand({
          Bucket: "sources",
          Key: "app/source.zip",
          UploadId,
          PartNumber: 1,
          Body: "multipart",
        }),
      );
      const completed = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: "sources",
          Key: "app/source.zip",
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
      const afterUpload = await settled("s3-app", before + 2);
      expect(afterUpload.at(-1)).toMatchObject({
        status: "Succeeded",
        sourceRevisions: [{ actionName: "Fetch", revisionId: bare(completed.ETag) }],
      });
      expect(await deployed("s3-app")).toBe("multipart");
    });
  });

  describe("pull request triggers", () => {
    let work: WorkTree;
    const source = {
      name: "Checkout",
      actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
      configuration: { RepositoryName: "pr-app", BranchName: "main", PollForSourceChanges: "false" },
    } as const;
    const trigger = (events: GitPullRequestEventType[]) => [
      {
        providerType: "CodeStarSourceConnection" as const,
        gitConfiguration: {
          sourceActionName: "Checkout",
          pullRequest: [
            {
              events,
              branches: { includes: ["main", "release/**"] },
              filePaths: { excludes: ["docs/**"] },
            },
          ],
        },
      },
    ];
    const openPullRequest = async (sourceReference: string, destinationReference: string) =>
      (
        await cc.send(
          new CreatePullRequestCommand({
            title: `${sourceReference} into ${destinationReference}`,
            targets: [{ repositoryName: "pr-app", sourceReference, destinationReference }],
          }),
        )
      ).pullRequest!.pullRequestId!;
    /** Pushes a new branch `name` from main with `files`; returns its commit. */
    const branch = async (name: string, files: Record<string, string>) => {
      work.checkout(name, "main");
      const commit = work.commit(files, `work on ${name}`);
      await work.push(name);
      return commit;
    };

    beforeAll(async () => {
      work = await repositoryWithMain(server, cc, "pr-app", { "app.txt": "main\n" });
      work.checkout("main");
      work.commit({ "app.txt": "main\n" }, "base");
      await work.push("other-base");
      work.checkout("release/1.0", "main");
      await work.push("release/1.0");
      await cp.send(
        new CreatePipelineCommand({ pipeline: pipeline("pr-open", source, trigger(["OPEN", "UPDATED"])) }),
      );
      await cp.send(
        new CreatePipelineCommand({ pipeline: pipeline("pr-closed", source, trigger(["CLOSED"])) }),
      );
    });
    afterAll(() => work?.remove());

    it("starts on a pull request into a matching branch with its source commit, not on others", async () => {
      await settled("pr-open", 1);
      await settled("pr-closed", 1);
      await branch("to-other", { "app.txt": "for another base\n" });
      await openPullRequest("to-other", "other-base");
      await branch("docs-only", { "docs/guide.md": "words\n" });
      await openPullRequest("docs-only", "main");
      const feature = await branch("feature", { "app.txt": "feature\n", "docs/feature.md": "about it\n" });
      const id = await openPullRequest("feature", "main");

      const [, opened] = await settled("pr-open", 2);
      expect(opened).toMatchObject({
        status: "Succeeded",
        trigger: { triggerType: "WebhookV2", triggerDetail: expect.stringMatching(/:codecommit:.*:pr-app$/) },
        sourceRevisions: [{ actionName: "Checkout", revisionId: feature }],
      });

      // A new commit on the source branch: UPDATED, with the new commit.
      work.checkout("feature");
      const update = work.commit({ "app.txt": "feature, reviewed\n" }, "review");
      await work.push("feature");
      const [, , updated] = await settled("pr-open", 3);
      expect(updated!.sourceRevisions).toEqual([
        expect.objectContaining({ actionName: "Checkout", revisionId: update }),
      ]);

      // Closing starts the pipeline whose filter has CLOSED, and not the other.
      await cc.send(new UpdatePullRequestStatusCommand({ pullRequestId: id, pullRequestStatus: "CLOSED" }));
      const [, closed] = await settled("pr-closed", 2);
      expect(closed!.sourceRevisions).toEqual([
        expect.objectContaining({ actionName: "Checkout", revisionId: update }),
      ]);
      const release = await branch("hotfix", { "app.txt": "hotfix\n" });
      const hotfix = await openPullRequest("hotfix", "release/1.0");
      const all = await settled("pr-open", 4);
      // Nothing started for the close, the pull request into other-base or the docs-only one.
      expect(all.map((e) => e.sourceRevisions?.[0]?.revisionId)).toEqual([
        all[0]!.sourceRevisions?.[0]?.revisionId,
        feature,
        update,
        release,
      ]);
      expect((await executions("pr-closed")).length).toBe(2);

      // A merge closes the pull request too: CLOSED, with its source commit.
      await cc.send(
        new MergePullRequestByFastForwardCommand({ pullRequestId: hotfix, repositoryName: "pr-app" }),
      );
      const [, , merged] = await settled("pr-closed", 3);
      expect(merged!.sourceRevisions).toEqual([
        expect.objectContaining({ actionName: "Checkout", revisionId: release }),
      ]);
    });
  });
});
