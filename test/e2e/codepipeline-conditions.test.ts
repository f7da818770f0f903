import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListRuleExecutionsCommand,
  ListRuleTypesCommand,
  OverrideStageConditionCommand,
  StartPipelineExecutionCommand,
  type PipelineDeclaration,
  type StageState,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { zipOf } from "./codebuild-support.js";

const waiting = (what: string) => ({ timeout: 30_000, interval: 100, message: `waiting for ${what}` });

// A window that is closed now: two hours from the current UTC hour, every day.
const closedHour = (new Date().getUTCHours() + 2) % 24;

const PIPELINE: PipelineDeclaration = {
  name: "gated",
  roleArn: "arn:aws:iam::000000000000:role/pipeline",
  pipelineType: "V2",
  artifactStore: { type: "S3", location: "gated-artifacts" },
  stages: [
    {
      name: "Source",
      actions: [
        {
          name: "Fetch",
          actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
          configuration: { S3Bucket: "gated-source", S3ObjectKey: "site.zip", PollForSourceChanges: "false" },
          outputArtifacts: [{ name: "Site" }],
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
                name: "Window",
                ruleTypeId: { category: "Rule", owner: "AWS", provider: "DeploymentWindow", version: "1" },
                configuration: { Cron: `* * ${closedHour} ? * *`, TimeZone: "UTC" },
              },
            ],
          },
        ],
      },
      onSuccess: {
        conditions: [
          {
            result: "ROLLBACK",
            rules: [
              {
                name: "RunKnown",
                ruleTypeId: { category: "Rule", owner: "AWS", provider: "VariableCheck", version: "1" },
                configuration: {
                  Variable: "#{codepipeline.PipelineExecutionId}",
                  Value: "^[0-9a-f-]{36}$",
                  Operator: "MATCHES",
                },
              },
            ],
          },
        ],
      },
      actions: [
        {
          name: "Publish",
          actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
          configuration: { BucketName: "gated-site", Extract: "true" },
          inputArtifacts: [{ name: "Site" }],
        },
      ],
    },
  ],
};

/** Stage conditions through the SDK: a closed deployment window, an override, rule runs and states. */
describe("CodePipeline stage conditions", () => {
  let server: TestServer;
  let cp: CodePipelineClient;

  beforeAll(async () => {
    server = await startTestServer();
    cp = new CodePipelineClient(server.clientConfig);
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    for (const Bucket of ["gated-artifacts", "gated-source", "gated-site"])
      await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(
      new PutObjectCommand({
        Bucket: "gated-source",
        Key: "site.zip",
        Body: await zipOf({ "index.html": "hi" }),
      }),
    );
    s3.destroy();
    await cp.send(new CreatePipelineCommand({ pipeline: PIPELINE }));
  });
  afterAll(async () => {
    cp?.destroy();
    await server?.stop();
  });

  const deployState = async (): Promise<StageState> =>
    (await cp.send(new GetPipelineStateCommand({ name: "gated" }))).stageStates!.find(
      (s) => s.stageName === "Deploy",
    )!;

  it("lists the rule types", async () => {
    const { ruleTypes } = await cp.send(new ListRuleTypesCommand({}));
    expect(ruleTypes!.map((t) => t.id!.provider)).toEqual([
      "CloudWatchAlarm",
      "Commands",
      "DeploymentWindow",
      "LambdaInvoke",
      "VariableCheck",
    ]);
    expect(
      ruleTypes!.find((t) => t.id!.provider === "DeploymentWindow")!.ruleConfigurationProperties,
    ).toEqual(expect.arrayContaining([expect.objectContaining({ name: "Cron", required: true })]));
  });

  it("holds an execution at a closed window, shows it in GetPipelineState, and lets it through on override", async () => {
    const { pipelineExecutionId: id } = await cp.send(new StartPipelineExecutionCommand({ name: "gated" }));
    await expect
      .poll(
        async () => (await deployState()).beforeEntryConditionState?.latestExecution?.status,
        waiting("the window"),
      )
      .toBe("InProgress");
    const waitingState = (await deployState()).beforeEntryConditionState!;
    expect(waitingState.latestExecution!.summary).toContain(
      `Stage "Deploy", beforeEntry condition, rule "Window"`,
    );
    const [condition] = waitingState.conditionStates!;
    expect(condition!.latestExecution).toMatchObject({ status: "InProgress" });
    expect(condition!.latestExecution!.lastStatusChange).toBeInstanceOf(Date);
    expect(condition!.ruleStates!.map((r) => [r.ruleName, r.latestExecution?.status])).toEqual([
      ["Window", "InProgress"],
    ]);

    await cp.send(
      new OverrideStageConditionCommand({
        pipelineName: "gated",
        stageName: "Deploy",
        pipelineExecutionId: id,
        conditionType: "BEFORE_ENTRY",
      }),
    );
    await expect
      .poll(
        async () =>
          (await cp.send(new GetPipelineExecutionCommand({ pipelineName: "gated", pipelineExecutionId: id })))
            .pipelineExecution!.status,
        waiting("the execution to succeed"),
      )
      .toBe("Succeeded");
    const done = await deployState();
    expect(done.beforeEntryConditionState!.latestExecution!.status).toBe("Overridden");
    expect(done.onSuccessConditionState!.latestExecution!.status).toBe("Succeeded");
    expect(done.onSuccessConditionState!.conditionStates![0]!.ruleStates![0]!.latestExecution!.status).toBe(
      "Succeeded",
    );

    const { ruleExecutionDetails } = await cp.send(
      new ListRuleExecutionsCommand({ pipelineName: "gated", filter: { pipelineExecutionId: id } }),
    );
    expect(ruleExecutionDetails!.map((r) => [r.stageName, r.ruleName, r.status])).toEqual(
      expect.arrayContaining([
        ["Deploy", "Window", "Abandoned"],
        ["Deploy", "RunKnown", "Succeeded"],
      ]),
    );
    const run = ruleExecutionDetails!.find((r) => r.ruleName === "RunKnown")!;
    expect(run).toMatchObject({
      pipelineExecutionId: id,
      pipelineVersion: 1,
      input: {
        ruleTypeId: { category: "Rule", owner: "AWS", provider: "VariableCheck", version: "1" },
        resolvedConfiguration: { Variable: id, Operator: "MATCHES" },
        region: "us-east-1",
      },
    });
    expect(run.startTime).toBeInstanceOf(Date);
  });

  it("refuses to override a condition nobody waits on", async () => {
    const [latest] =
      (await cp.send(new ListRuleExecutionsCommand({ pipelineName: "gated", maxResults: 1 })))
        .ruleExecutionDetails ?? [];
    await expect(
      cp.send(
        new OverrideStageConditionCommand({
          pipelineName: "gated",
          stageName: "Deploy",
          pipelineExecutionId: latest!.pipelineExecutionId!,
          conditionType: "ON_SUCCESS",
        }),
      ),
    ).rejects.toMatchObject({ name: "ConditionNotOverridableException" });
  });
});
