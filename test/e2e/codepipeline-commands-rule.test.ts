import { BatchGetBuildsCommand, CodeBuildClient } from "@aws-sdk/client-codebuild";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListRuleExecutionsCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type PipelineDeclaration,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, startTestServer, type TestServer } from "../support/server.js";
import { zipOf } from "./codebuild-support.js";

const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;
const waiting = (what: string) => ({ timeout: 90_000, interval: 200, message: `waiting for ${what}` });

/** Source: the S3 object `release.zip`; Deploy enters only when the source holds `ok.txt`. */
const PIPELINE: PipelineDeclaration = {
  name: "checked",
  roleArn: "arn:aws:iam::000000000000:role/pipeline",
  pipelineType: "V2",
  artifactStore: { type: "S3", location: "checked-artifacts" },
  stages: [
    {
      name: "Source",
      actions: [
        {
          name: "Fetch",
          actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
          configuration: {
            S3Bucket: "checked-source",
            S3ObjectKey: "release.zip",
            PollForSourceChanges: "false",
          },
          outputArtifacts: [{ name: "SourceOutput" }],
        },
      ],
    },
    {
      name: "Deploy",
      beforeEntry: {
        conditions: [
          {
            result: "FAIL",
            rules: [
              {
                name: "HasOk",
                ruleTypeId: { category: "Rule", owner: "AWS", provider: "Commands", version: "1" },
                commands: ["test -f ok.txt", 'grep -q "^ready$" ok.txt'],
                inputArtifacts: [{ name: "SourceOutput" }],
              },
            ],
          },
        ],
      },
      actions: [
        {
          name: "Publish",
          actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
          configuration: { BucketName: "checked-site", Extract: "true" },
          inputArtifacts: [{ name: "SourceOutput" }],
        },
      ],
    },
  ],
};

/** A Commands rule through the SDK: its commands run as a build on the source artifact. */
describe.each(dialects)("CodePipeline Commands rule (%s)", (dialect) => {
  let server: TestServer;
  let cp: CodePipelineClient;
  let cb: CodeBuildClient;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    cp = new CodePipelineClient(server.clientConfig);
    cb = new CodeBuildClient(server.clientConfig);
    s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    for (const Bucket of ["checked-artifacts", "checked-source", "checked-site"])
      await s3.send(new CreateBucketCommand({ Bucket }));
  });
  afterAll(async () => {
    for (const client of [cp, cb, s3]) client?.destroy();
    await server?.stop();
  });

  const putSource = async (files: Record<string, string>) =>
    s3.send(new PutObjectCommand({ Bucket: "checked-source", Key: "release.zip", Body: await zipOf(files) }));
  const ended = async (id: string) => {
    await expect
      .poll(
        async () =>
          (
            await cp.send(
              new GetPipelineExecutionCommand({ pipelineName: "checked", pipelineExecutionId: id }),
            )
          ).pipelineExecution!.status,
        waiting(`execution ${id} to end`),
      )
      .not.toBe("InProgress");
    return (
      await cp.send(new GetPipelineExecutionCommand({ pipelineName: "checked", pipelineExecutionId: id }))
    ).pipelineExecution!;
  };
  /**
   * The Deploy stage's beforeEntry condition state once it has settled on `status`. The source's
   * PutObject starts an execution of its own beside the one a test starts, and GetPipelineState
   * shows whichever evaluated the condition last: its rule's build may still be running.
   */
  const settledDeployCondition = async (status: string) => {
    const deployCondition = async () => {
      const state = await cp.send(new GetPipelineStateCommand({ name: "checked" }));
      return state.stageStates!.find((s) => s.stageName === "Deploy")!.beforeEntryConditionState!;
    };
    await expect
      .poll(
        async () => (await deployCondition()).latestExecution!.status,
        waiting(`the condition to be ${status}`),
      )
      .toBe(status);
    return deployCondition();
  };
  const ruleRun = async (id: string) => {
    const { ruleExecutionDetails } = await cp.send(
      new ListRuleExecutionsCommand({ pipelineName: "checked", filter: { pipelineExecutionId: id } }),
    );
    expect(ruleExecutionDetails).toHaveLength(1);
    return ruleExecutionDetails![0]!;
  };

  it("lets the execution into the stage when every command exits 0", async () => {
    await putSource({ "ok.txt": "ready\n", "index.html": "hi" });
    await cp.send(new CreatePipelineCommand({ pipeline: PIPELINE }));
    const { pipelineExecutionSummaries } = await cp.send(
      new ListPipelineExecutionsCommand({ pipelineName: "checked" }),
    );
    const id = pipelineExecutionSummaries![0]!.pipelineExecutionId!;
    const execution = await ended(id);
    expect(execution.status, execution.statusSummary).toBe("Succeeded");
    const run = await ruleRun(id);
    expect(run).toMatchObject({ ruleName: "HasOk", stageName: "Deploy", status: "Succeeded" });
    const buildId = run.output!.executionResult!.externalExecutionId!;
    expect(buildId).toMatch(/^codepipeline\.checked:[0-9a-f-]{36}$/);
    expect(run.output!.executionResult!.externalExecutionUrl).toContain(encodeURIComponent(buildId));
    expect(run.output!.executionResult!.externalExecutionSummary).toContain("succeeded");
    expect(run.input!.inputArtifacts!.map((a) => a.name)).toEqual(["SourceOutput"]);
    // The rule's build is a real build: the commands ran on the source, started by the pipeline.
    const { builds } = await cb.send(new BatchGetBuildsCommand({ ids: [buildId] }));
    expect(builds![0]).toMatchObject({ buildStatus: "SUCCEEDED", initiator: "codepipeline/checked" });
    const { actionExecutionDetails } = await cp.send(
      new ListActionExecutionsCommand({ pipelineName: "checked", filter: { pipelineExecutionId: id } }),
    );
    expect(actionExecutionDetails!.find((a) => a.actionName === "Publish")?.status).toBe("Succeeded");
    const condition = await settledDeployCondition("Succeeded");
    expect(condition.conditionStates![0]!.ruleStates![0]!.latestExecution).toMatchObject({
      status: "Succeeded",
      externalExecutionId: expect.stringMatching(/^codepipeline\.checked:/),
    });
  });

  it("fails the condition and the execution, naming the rule, when a command exits non-zero", async () => {
    await putSource({ "index.html": "no ok file" });
    const { pipelineExecutionId: id } = await cp.send(new StartPipelineExecutionCommand({ name: "checked" }));
    const execution = await ended(id!);
    expect(execution.status).toBe("Failed");
    expect(execution.statusSummary).toContain('Stage "Deploy", beforeEntry condition, rule "HasOk"');
    const run = await ruleRun(id!);
    expect(run.status).toBe("Failed");
    const result = run.output!.executionResult!;
    expect(result.errorDetails).toMatchObject({ code: "RuleCheckFailed" });
    expect(result.errorDetails!.message).toContain("ended FAILED");
    const { builds } = await cb.send(new BatchGetBuildsCommand({ ids: [result.externalExecutionId!] }));
    expect(builds![0]!.buildStatus).toBe("FAILED");
    // The stage was never entered: no Publish ran in this execution.
    const { actionExecutionDetails } = await cp.send(
      new ListActionExecutionsCommand({ pipelineName: "checked", filter: { pipelineExecutionId: id! } }),
    );
    expect(actionExecutionDetails!.map((a) => a.actionName)).toEqual(["Fetch"]);
    await settledDeployCondition("Failed");
  });

  it("stopping the execution while the rule's build runs abandons the rule and stops the build", async () => {
    const slow = structuredClone(PIPELINE);
    slow.name = "checked-slow";
    slow.stages![1]!.beforeEntry!.conditions![0]!.rules![0]!.commands = ["sleep 120"];
    await putSource({ "ok.txt": "ready\n" });
    await cp.send(new CreatePipelineCommand({ pipeline: slow }));
    const { pipelineExecutionSummaries } = await cp.send(
      new ListPipelineExecutionsCommand({ pipelineName: "checked-slow" }),
    );
    const id = pipelineExecutionSummaries![0]!.pipelineExecutionId!;
    const run = async () =>
      (
        await cp.send(
          new ListRuleExecutionsCommand({
            pipelineName: "checked-slow",
            filter: { pipelineExecutionId: id },
          }),
        )
      ).ruleExecutionDetails?.[0];
    await expect
      .poll(
        async () => (await run())?.output?.executionResult?.externalExecutionId,
        waiting("the rule's build"),
      )
      .toBeTruthy();
    const buildId = (await run())!.output!.executionResult!.externalExecutionId!;
    await cp.send(
      new StopPipelineExecutionCommand({ pipelineName: "checked-slow", pipelineExecutionId: id }),
    );
    await expect
      .poll(
        async () => (await cb.send(new BatchGetBuildsCommand({ ids: [buildId] }))).builds![0]!.buildStatus,
        waiting("the build to stop"),
      )
      .toBe("STOPPED");
    expect((await run())!.status).toBe("Abandoned");
    expect(
      (
        await cp.send(
          new GetPipelineExecutionCommand({ pipelineName: "checked-slow", pipelineExecutionId: id }),
        )
      ).pipelineExecution!.status,
    ).toBe("Stopped");
  });
});
