import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";

/**
 * A pipeline file shaped as the user guide's CLI walkthrough writes one: a CodeCommit source, a
 * CodeBuild build, a manual approval and an S3 deploy, wrapped in {"pipeline": …} for
 * --cli-input-json.
 */
const PIPELINE_FILE = {
  pipeline: {
    name: "MyFirstPipeline",
    roleArn:
      "arn:aws:iam::000000000000:role/service-role/AWSCodePipelineServiceRole-us-east-1-MyFirstPipeline",
    artifactStore: { type: "S3", location: "codepipeline-us-east-1-artifacts" },
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Source",
            actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
            runOrder: 1,
            configuration: {
              RepositoryName: "MyDemoRepo",
              BranchName: "main",
              PollForSourceChanges: "false",
              OutputArtifactFormat: "CODE_ZIP",
            },
            outputArtifacts: [{ name: "SourceArtifact" }],
            inputArtifacts: [],
            namespace: "SourceVariables",
          },
        ],
      },
      {
        name: "Build",
        actions: [
          {
            name: "Build",
            actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
            runOrder: 1,
            configuration: {
              ProjectName: "MyBuildProject",
              EnvironmentVariables:
                '[{"name":"COMMIT","value":"#{SourceVariables.CommitId}","type":"PLAINTEXT"}]',
            },
            outputArtifacts: [{ name: "BuildArtifact" }],
            inputArtifacts: [{ name: "SourceArtifact" }],
            namespace: "BuildVariables",
          },
        ],
      },
      {
        name: "Approve",
        actions: [
          {
            name: "Approval",
            actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
            runOrder: 1,
            configuration: { CustomData: "Check the build of #{SourceVariables.CommitId} before it ships." },
          },
        ],
      },
      {
        name: "Deploy",
        actions: [
          {
            name: "Deploy",
            actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
            runOrder: 1,
            configuration: { BucketName: "my-website", Extract: "true" },
            inputArtifacts: [{ name: "BuildArtifact" }],
          },
        ],
      },
    ],
    version: 1,
  },
};

describe.runIf(hasAwsCli())("CodePipeline through the AWS CLI v2", () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), "pipewright-cp-cli-"));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ok(args: string[]): Promise<Record<string, unknown>> {
    const res = await awsCli(server, args, { cwd: dir });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    return res.stdout.trim() ? (JSON.parse(res.stdout) as Record<string, unknown>) : {};
  }

  it("creates a pipeline from a file, and get-pipeline's output minus metadata updates it", async () => {
    writeFileSync(path.join(dir, "pipeline.json"), JSON.stringify(PIPELINE_FILE, null, 2));
    const missing = await awsCli(
      server,
      ["codepipeline", "create-pipeline", "--cli-input-json", "file://pipeline.json"],
      {
        cwd: dir,
      },
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("InvalidStructureException");
    expect(missing.stderr).toContain("aws s3 mb s3://codepipeline-us-east-1-artifacts");

    const mb = await awsCli(server, ["s3", "mb", "s3://codepipeline-us-east-1-artifacts"]);
    expect(mb.code).toBe(0);
    const created = await ok(["codepipeline", "create-pipeline", "--cli-input-json", "file://pipeline.json"]);
    expect(created.pipeline).toMatchObject({ name: "MyFirstPipeline", version: 1 });

    const got = await ok(["codepipeline", "get-pipeline", "--name", "MyFirstPipeline"]);
    expect(got.metadata).toMatchObject({
      pipelineArn: "arn:aws:codepipeline:us-east-1:000000000000:MyFirstPipeline",
    });
    const edited = { pipeline: got.pipeline as Record<string, unknown> };
    const stages = edited.pipeline.stages as Array<{ name: string; actions: Array<Record<string, unknown>> }>;
    stages[2]!.actions[0]!.configuration = { CustomData: "Second look, please." };
    writeFileSync(path.join(dir, "edited.json"), JSON.stringify(edited));
    const updated = await ok(["codepipeline", "update-pipeline", "--cli-input-json", "file://edited.json"]);
    expect((updated.pipeline as { version: number }).version).toBe(2);

    const listed = await ok(["codepipeline", "list-pipelines"]);
    expect(listed.pipelines).toEqual([expect.objectContaining({ name: "MyFirstPipeline", version: 2 })]);
    const first = await ok([
      "codepipeline",
      "get-pipeline",
      "--name",
      "MyFirstPipeline",
      "--pipeline-version",
      "1",
    ]);
    expect(first.pipeline).toEqual({ ...PIPELINE_FILE.pipeline, stages: expect.any(Array) });

    const bad = await awsCli(server, ["codepipeline", "get-pipeline", "--name", "Nope"], { cwd: dir });
    expect(bad.stderr).toContain("PipelineNotFoundException");
    await ok(["codepipeline", "delete-pipeline", "--name", "MyFirstPipeline"]);
    expect((await ok(["codepipeline", "list-pipelines"])).pipelines).toEqual([]);
  });
});
