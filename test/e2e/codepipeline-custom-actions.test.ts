import {
  AcknowledgeJobCommand,
  CodePipelineClient,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  DeleteCustomActionTypeCommand,
  GetJobDetailsCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListActionTypesCommand,
  GetPipelineStateCommand,
  PollForJobsCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  type ActionTypeId,
  type Job,
  type PipelineDeclaration,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { zipOf } from "./codebuild-support.js";

const ROCKET: ActionTypeId = { category: "Deploy", owner: "Custom", provider: "Rocket", version: "1" };
const waiting = (what: string) => ({ timeout: 30_000, interval: 50, message: `waiting for ${what}` });

const PIPELINE: PipelineDeclaration = {
  name: "launch",
  roleArn: "arn:aws:iam::000000000000:role/pipeline",
  artifactStore: { type: "S3", location: "launch-artifacts" },
  stages: [
    {
      name: "Source",
      actions: [
        {
          name: "Fetch",
          actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
          configuration: { S3Bucket: "launch-source", S3ObjectKey: "app.zip", PollForSourceChanges: "false" },
          outputArtifacts: [{ name: "App" }],
        },
      ],
    },
    {
      name: "Launch",
      actions: [
        {
          name: "Rocket",
          actionTypeId: ROCKET,
          configuration: { Pad: "prod", Countdown: "#{codepipeline.PipelineExecutionId}" },
          inputArtifacts: [{ name: "App" }],
        },
      ],
    },
  ],
};

/** A custom action run by a job worker of the test's own, through the SDK, as on AWS. */
describe("CodePipeline custom actions and job workers", () => {
  let server: TestServer;
  let cp: CodePipelineClient;

  beforeAll(async () => {
    server = await startTestServer();
    cp = new CodePipelineClient(server.clientConfig);
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    for (const Bucket of ["launch-artifacts", "launch-source"])
      await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(
      new PutObjectCommand({ Bucket: "launch-source", Key: "app.zip", Body: await zipOf({ "a.txt": "a" }) }),
    );
    s3.destroy();
  });
  afterAll(async () => {
    cp?.destroy();
    await server?.stop();
  });

  const poll = async (queryParam?: Record<string, string>): Promise<Job | undefined> =>
    (
      await cp.send(
        new PollForJobsCommand({
          actionTypeId: ROCKET,
          maxBatchSize: 5,
          ...(queryParam ? { queryParam } : {}),
        }),
      )
    ).jobs?.[0];
  /** Polls until a job of execution `id` comes, as a worker would; it is then Dispatched to us. */
  async function jobOf(id: string): Promise<Job> {
    let job: Job | undefined;
    await expect
      .poll(
        async () => {
          const jobs =
            (await cp.send(new PollForJobsCommand({ actionTypeId: ROCKET, maxBatchSize: 10 }))).jobs ?? [];
          job = jobs.find((j) => j.data?.pipelineContext?.pipelineExecutionId === id) ?? job;
          return job?.id;
        },
        waiting(`a job of execution ${id}`),
      )
      .toBeDefined();
    return job!;
  }
  const status = async (id: string) =>
    (await cp.send(new GetPipelineExecutionCommand({ pipelineName: "launch", pipelineExecutionId: id })))
      .pipelineExecution!;

  it("creates the type; a worker polls by its queryable property and completes the first run", async () => {
    const { actionType } = await cp.send(
      new CreateCustomActionTypeCommand({
        ...ROCKET,
        category: "Deploy",
        provider: "Rocket",
        version: "1",
        configurationProperties: [
          { name: "Pad", required: true, key: true, secret: false, queryable: true, type: "String" },
          { name: "Countdown", required: false, key: false, secret: false },
        ],
        inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        settings: { executionUrlTemplate: "https://pads.example/{ExternalExecutionId}" },
      }),
    );
    expect(actionType!.id).toEqual(ROCKET);
    await expect(
      cp.send(
        new CreateCustomActionTypeCommand({
          category: "Deploy",
          provider: "Rocket",
          version: "1",
          inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
          outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        }),
      ),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("already exists"),
    });
    const { actionTypes } = await cp.send(new ListActionTypesCommand({ actionOwnerFilter: "Custom" }));
    expect(actionTypes!.map((t) => t.id)).toEqual([ROCKET]);

    await cp.send(new CreatePipelineCommand({ pipeline: PIPELINE }));
    // The creation's run waits for a worker: one polling for another pad finds nothing, one for
    // this pad takes the job.
    const rocket = async () =>
      (await cp.send(new GetPipelineStateCommand({ name: "launch" }))).stageStates![1]!.actionStates![0]!
        .latestExecution?.status;
    await expect.poll(rocket, waiting("the action to wait for a worker")).toBe("InProgress");
    expect(
      (await cp.send(new PollForJobsCommand({ actionTypeId: ROCKET, queryParam: { Pad: "test" } }))).jobs,
    ).toEqual([]);
    await expect(
      cp.send(new PollForJobsCommand({ actionTypeId: ROCKET, queryParam: { Countdown: "3" } })),
    ).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("Pad is") });
    const job = await poll({ Pad: "prod" });
    expect(job?.id).toBeDefined();
    await cp.send(new AcknowledgeJobCommand({ jobId: job!.id!, nonce: job!.nonce! }));
    await cp.send(new PutJobSuccessResultCommand({ jobId: job!.id! }));
    await expect.poll(rocket, waiting("the creation's run")).toBe("Succeeded");
  });

  it("runs a job to the end: acknowledge, details, continue, succeed; and refuses what does not fit", async () => {
    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: "launch" }));
    const job = await jobOf(pipelineExecutionId!);
    expect(job.data).toMatchObject({
      actionTypeId: ROCKET,
      actionConfiguration: { configuration: { Pad: "prod", Countdown: pipelineExecutionId } },
      pipelineContext: { pipelineName: "launch", stage: { name: "Launch" }, action: { name: "Rocket" } },
      inputArtifacts: [
        { name: "App", location: { type: "S3", s3Location: { bucketName: "launch-artifacts" } } },
      ],
    });
    await expect(
      cp.send(new AcknowledgeJobCommand({ jobId: job.id!, nonce: "wrong" })),
    ).rejects.toMatchObject({
      name: "InvalidNonceException",
    });
    expect((await cp.send(new AcknowledgeJobCommand({ jobId: job.id!, nonce: job.nonce! }))).status).toBe(
      "InProgress",
    );
    expect((await cp.send(new GetJobDetailsCommand({ jobId: job.id! }))).jobDetails!.id).toBe(job.id);

    // Halfway: the action goes on as a new job that carries the continuation token.
    await cp.send(
      new PutJobSuccessResultCommand({
        jobId: job.id!,
        continuationToken: "stage-2",
        executionDetails: { summary: "ignition", externalExecutionId: "launch-42", percentComplete: 50 },
      }),
    );
    await expect(cp.send(new PutJobSuccessResultCommand({ jobId: job.id! }))).rejects.toMatchObject({
      name: "InvalidJobStateException",
    });
    const next = await jobOf(pipelineExecutionId!);
    expect(next.data?.continuationToken).toBe("stage-2");
    await cp.send(new AcknowledgeJobCommand({ jobId: next.id!, nonce: next.nonce! }));
    await cp.send(
      new PutJobSuccessResultCommand({
        jobId: next.id!,
        executionDetails: { summary: "in orbit", externalExecutionId: "launch-42" },
        outputVariables: { Orbit: "LEO" },
      }),
    );
    await expect
      .poll(async () => (await status(pipelineExecutionId!)).status, waiting("the launch"))
      .toBe("Succeeded");
    const { actionExecutionDetails } = await cp.send(
      new ListActionExecutionsCommand({ pipelineName: "launch", filter: { pipelineExecutionId } }),
    );
    expect(actionExecutionDetails!.find((a) => a.actionName === "Rocket")!.output).toMatchObject({
      executionResult: { externalExecutionId: "launch-42", externalExecutionSummary: "in orbit" },
      outputVariables: { Orbit: "LEO" },
    });

    await expect(
      cp.send(new GetJobDetailsCommand({ jobId: "00000000-0000-0000-0000-000000000000" })),
    ).rejects.toMatchObject({ name: "JobNotFoundException" });
    await expect(
      cp.send(new PollForJobsCommand({ actionTypeId: { ...ROCKET, provider: "Nope" } })),
    ).rejects.toMatchObject({ name: "ActionTypeNotFoundException" });
  });

  it("a worker's failure fails the action with its reason", async () => {
    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: "launch" }));
    const job = await jobOf(pipelineExecutionId!);
    await cp.send(
      new PutJobFailureResultCommand({
        jobId: job.id!,
        failureDetails: { type: "JobFailed", message: "weather on the pad" },
      }),
    );
    await expect
      .poll(async () => (await status(pipelineExecutionId!)).status, waiting("the failure"))
      .toBe("Failed");
    expect((await status(pipelineExecutionId!)).statusSummary).toContain("weather on the pad");
  });

  it("a deleted type can be used no more, nor made again at the same version", async () => {
    await cp.send(
      new DeleteCustomActionTypeCommand({ category: "Deploy", provider: "Rocket", version: "1" }),
    );
    await expect(
      cp.send(new CreatePipelineCommand({ pipeline: { ...PIPELINE, name: "launch-2" } })),
    ).rejects.toMatchObject({ name: "InvalidActionDeclarationException" });
    await expect(
      cp.send(
        new CreateCustomActionTypeCommand({
          category: "Deploy",
          provider: "Rocket",
          version: "1",
          inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
          outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("deleted") });
  });
});
