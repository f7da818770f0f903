import { BatchGetBuildsCommand, CodeBuildClient, CreateProjectCommand } from "@aws-sdk/client-codebuild";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  type PipelineDeclaration,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess, type CliProcess, type ClientConfig } from "../support/cli.js";
import { tempDir } from "../support/stores.js";
import { PROJECT_BASICS, zipOf } from "./codebuild-support.js";

const waiting = (what: string) => ({ timeout: 60_000, interval: 100, message: `waiting for ${what}` });

/** S3 source → a build whose buildspec the source carries → manual approval → S3 deploy. */
const PIPELINE: PipelineDeclaration = {
  name: "durable",
  roleArn: "arn:aws:iam::000000000000:role/pipeline",
  artifactStore: { type: "S3", location: "durable-artifacts" },
  stages: [
    {
      name: "Source",
      actions: [
        {
          name: "Fetch",
          actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
          configuration: {
            S3Bucket: "durable-source",
            S3ObjectKey: "app.zip",
            PollForSourceChanges: "false",
          },
          outputArtifacts: [{ name: "Src" }],
        },
      ],
    },
    {
      name: "Build",
      actions: [
        {
          name: "Make",
          actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
          configuration: { ProjectName: "durable-build" },
          inputArtifacts: [{ name: "Src" }],
          outputArtifacts: [{ name: "Out" }],
        },
      ],
    },
    {
      name: "Approve",
      actions: [
        {
          name: "Go",
          actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
        },
      ],
    },
    {
      name: "Deploy",
      actions: [
        {
          name: "Put",
          actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
          configuration: { BucketName: "durable-site", Extract: "true" },
          inputArtifacts: [{ name: "Out" }],
        },
      ],
    },
  ],
};

const BUILDSPEC = (command: string) =>
  `version: 0.2\nphases:\n  build:\n    commands:\n      - ${command}\nartifacts:\n  files: [out.txt]\n`;

/** The server process killed with SIGKILL while executions are under way, then started again. */
describe("a server killed mid-execution", () => {
  const data = tempDir("pipewright-pipeline-crash-");
  const servers: CliProcess[] = [];
  afterAll(async () => {
    for (const s of servers) {
      if (s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill("SIGTERM");
        await s.exited;
      }
    }
    data.remove();
  });

  /** The running server's client settings. */
  let current: ClientConfig;
  async function start(): Promise<ClientConfig> {
    const { cli, config } = await startServerProcess(data.dir);
    servers.push(cli);
    current = config;
    return config;
  }
  async function kill(): Promise<void> {
    const cli = servers[servers.length - 1]!;
    cli.child.kill("SIGKILL");
    await cli.exited;
  }
  /** SIGKILL, then a new server on the same data directory, and new clients of it. */
  async function restart(cp: CodePipelineClient, s3: S3Client) {
    await kill();
    cp.destroy();
    s3.destroy();
    const config = await start();
    return { cp: new CodePipelineClient(config), client: new S3Client({ ...config, forcePathStyle: true }) };
  }
  const state = async (cp: CodePipelineClient) =>
    (await cp.send(new GetPipelineStateCommand({ name: "durable" }))).stageStates!;

  it("carries on after a restart: an approval still waits, and a build cut short fails its action with the reason", async () => {
    const config = await start();
    let cp = new CodePipelineClient(config);
    let client = new S3Client({ ...config, forcePathStyle: true });
    for (const bucket of ["durable-artifacts", "durable-source", "durable-site"]) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    await client.send(
      new PutObjectCommand({
        Bucket: "durable-source",
        Key: "app.zip",
        Body: await zipOf({ "buildspec.yml": BUILDSPEC("echo v1 > out.txt") }),
      }),
    );
    const cb = new CodeBuildClient(config);
    await cb.send(
      new CreateProjectCommand({
        name: "durable-build",
        source: { type: "CODEPIPELINE" },
        artifacts: { type: "CODEPIPELINE" },
        ...PROJECT_BASICS,
      }),
    );
    cb.destroy();
    await cp.send(new CreatePipelineCommand({ pipeline: PIPELINE }));
    const approval = async () => (await state(cp)).find((s) => s.stageName === "Approve")!.actionStates![0]!;
    await expect
      .poll(async () => (await approval()).latestExecution?.status, waiting("the approval"))
      .toBe("InProgress");
    const first = (await state(cp))[0]!.latestExecution!.pipelineExecutionId!;

    ({ cp, client } = await restart(cp, client));
    const token = (await approval()).latestExecution!.token!;
    await cp.send(
      new PutApprovalResultCommand({
        pipelineName: "durable",
        stageName: "Approve",
        actionName: "Go",
        token,
        result: { status: "Approved", summary: "after the crash" },
      }),
    );
    const status = async (id: string) =>
      (await cp.send(new GetPipelineExecutionCommand({ pipelineName: "durable", pipelineExecutionId: id })))
        .pipelineExecution!;
    await expect.poll(async () => (await status(first)).status, waiting("the release")).toBe("Succeeded");
    const page = await client.send(new GetObjectCommand({ Bucket: "durable-site", Key: "out.txt" }));
    expect(await page.Body!.transformToString()).toBe("v1\n");

    // A build that runs when the server dies: after the restart its action fails, saying why. The
    // new source object starts the execution (S3 change detection), once, and the restart that
    // redelivers what was not acknowledged starts no other.
    await client.send(
      new PutObjectCommand({
        Bucket: "durable-source",
        Key: "app.zip",
        Body: await zipOf({ "buildspec.yml": BUILDSPEC("sleep 600") }),
      }),
    );
    const newer = async () =>
      (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "durable" })))
        .pipelineExecutionSummaries!.map((e) => e.pipelineExecutionId!)
        .filter((id) => id !== first);
    await expect.poll(async () => (await newer()).length, waiting("the execution the put starts")).toBe(1);
    const [second] = await newer();
    const make = async () =>
      (await state(cp)).find((s) => s.stageName === "Build")!.actionStates![0]!.latestExecution;
    // The build is running its commands (not only queued) when the server dies.
    const builds = new CodeBuildClient(current);
    const phase = async () => {
      const latest = await make();
      if (latest?.status !== "InProgress" || latest.externalExecutionId === undefined) return undefined;
      const { builds: found } = await builds.send(
        new BatchGetBuildsCommand({ ids: [latest.externalExecutionId] }),
      );
      return found?.[0]?.currentPhase;
    };
    await expect.poll(phase, waiting("the build to run")).toBe("BUILD");
    builds.destroy();
    ({ cp, client } = await restart(cp, client));
    await expect
      .poll(async () => (await status(second!)).status, waiting("the execution to fail"))
      .toBe("Failed");
    expect((await status(second!)).statusSummary).toMatch(
      /Stage "Build", action "Make" failed: Build durable-build:\S+ ended FAULT/,
    );
    expect(await newer()).toEqual([second]);
    cp.destroy();
    client.destroy();
    // A restarted server's bus subscribers wait for the killed one's leases to run out (30 s)
    // before they deliver: once for the put's announcement, once for the build's end.
  }, 150_000);
});
