import { CodeBuildClient, CreateProjectCommand, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS, unzip, waitForBuild, zipOf } from "./codebuild-support.js";

const BUILDSPEC = `version: 0.2
phases:
  build:
    commands:
      - echo "built from $(cat app.txt) with $(cat "$CODEBUILD_SRC_DIR_Config/config.txt")" > out.txt
      - echo "source=$CODEBUILD_SOURCE_VERSION initiator=$CODEBUILD_INITIATOR"
      - echo extra > extra.txt
artifacts:
  files: [out.txt]
  secondary-artifacts:
    Extra:
      files: [extra.txt]
`;

/**
 * CODEPIPELINE projects as a pipeline's build action runs them: input artifacts (zips in the
 * artifact store) become the sources, output artifacts receive the build's artifacts.
 */
describe("CodeBuild with a CODEPIPELINE source", () => {
  let server: TestServer;
  let codebuild: CodeBuildClient;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startTestServer();
    codebuild = new CodeBuildClient(server.clientConfig);
    s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "pipeline-store" }));
    await s3.send(
      new PutObjectCommand({
        Bucket: "pipeline-store",
        Key: "release/SourceOutp/a1b2c3",
        Body: await zipOf({ "buildspec.yml": BUILDSPEC, "app.txt": "app v1" }),
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: "pipeline-store",
        Key: "release/ConfigOutp/d4e5f6",
        Body: await zipOf({ "config.txt": "prod config" }),
      }),
    );
    await codebuild.send(
      new CreateProjectCommand({
        name: "release-build",
        source: { type: "CODEPIPELINE" },
        artifacts: { type: "CODEPIPELINE" },
        ...PROJECT_BASICS,
      }),
    );
  });
  afterAll(async () => {
    codebuild?.destroy();
    s3?.destroy();
    await server?.stop();
  });

  it("is refused by StartBuild: only a pipeline has its source", async () => {
    await expect(
      codebuild.send(new StartBuildCommand({ projectName: "release-build" })),
    ).rejects.toMatchObject({
      name: "InvalidInputException",
      message: expect.stringContaining("source type CODEPIPELINE"),
    });
  });

  it("builds a pipeline run's input artifacts and writes its output artifacts", async () => {
    const id = await server.codebuild.startBuildFor({
      accountId: server.config.accountId,
      region: server.config.region,
      projectName: "release-build",
      initiator: "codepipeline/release",
      environmentVariablesOverride: [{ name: "STAGE", value: "prod" }],
      pipeline: {
        pipelineName: "release",
        inputs: [
          { name: "SourceOutput", bucket: "pipeline-store", key: "release/SourceOutp/a1b2c3" },
          { name: "Config", bucket: "pipeline-store", key: "release/ConfigOutp/d4e5f6" },
        ],
        outputs: [
          { name: "BuildOutput", bucket: "pipeline-store", key: "release/BuildOutpu/x9y8z7" },
          { name: "Extra", bucket: "pipeline-store", key: "release/Extra/w6v5u4" },
        ],
      },
    });
    const build = await waitForBuild(codebuild, id);
    expect(build).toMatchObject({
      buildStatus: "SUCCEEDED",
      initiator: "codepipeline/release",
      sourceVersion: "arn:aws:s3:::pipeline-store/release/SourceOutp/a1b2c3",
      source: { type: "CODEPIPELINE" },
      artifacts: { location: "arn:aws:s3:::pipeline-store/release/BuildOutpu/x9y8z7" },
    });
    const read = async (key: string) =>
      unzip(
        Buffer.from(
          await (
            await s3.send(new GetObjectCommand({ Bucket: "pipeline-store", Key: key }))
          ).Body!.transformToByteArray(),
        ),
      );
    expect(await read("release/BuildOutpu/x9y8z7")).toEqual({
      "out.txt": "built from app v1 with prod config\n",
    });
    expect(await read("release/Extra/w6v5u4")).toEqual({ "extra.txt": "extra\n" });
  });
});
