import { CodeBuildClient, CreateProjectCommand } from "@aws-sdk/client-codebuild";
import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type PipelineDeclaration,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnPipewright } from "../support/cli.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS } from "./codebuild-support.js";
import { cloneUrl, createGitCredential, GitClient } from "./codecommit-git-http-support.js";

const BUILDSPEC = `version: 0.2
env:
  exported-variables: [BUILT_VERSION]
phases:
  build:
    commands:
      - export BUILT_VERSION="$(cat VERSION)"
      - mkdir -p site && echo "<h1>version $(cat VERSION) of $STAGE_NAME</h1>" > site/index.html
artifacts:
  base-directory: site
  files: ["**/*"]
`;

const ROLE = "arn:aws:iam::000000000000:role/pipeline";
const waiting = (what: string) => ({ timeout: 60_000, interval: 100, message: `waiting for ${what}` });

/** Source (CodeCommit) → Build (CodeBuild) → Approve (manual) → Deploy (S3, extracted). */
function releasePipeline(name: string): PipelineDeclaration {
  return {
    name,
    roleArn: ROLE,
    artifactStore: { type: "S3", location: "release-artifacts" },
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Checkout",
            actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
            configuration: { RepositoryName: "web", BranchName: "main", PollForSourceChanges: "false" },
            outputArtifacts: [{ name: "SourceOutput" }],
            namespace: "SourceVariables",
          },
        ],
      },
      {
        name: "Build",
        actions: [
          {
            name: "Compile",
            actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
            configuration: {
              ProjectName: "web-build",
              EnvironmentVariables: JSON.stringify([
                { name: "STAGE_NAME", value: "prod-#{SourceVariables.BranchName}", type: "PLAINTEXT" },
              ]),
            },
            inputArtifacts: [{ name: "SourceOutput" }],
            outputArtifacts: [{ name: "Site" }],
            namespace: "BuildVariables",
          },
        ],
      },
      {
        name: "Approve",
        actions: [
          {
            name: "Release",
            actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
            configuration: { CustomData: "Release #{BuildVariables.BUILT_VERSION}?" },
          },
        ],
      },
      {
        name: "Deploy",
        actions: [
          {
            name: "Publish",
            actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
            configuration: { BucketName: "web-site", Extract: "true" },
            inputArtifacts: [{ name: "Site" }],
          },
        ],
      },
    ],
  };
}

/**
 * A release as a user drives it: a push starts the pipeline, the commit is built, waits for a
 * person's approval and is deployed to a bucket — all really executed, through the SDK.
 */
describe("CodePipeline executions", () => {
  let server: TestServer;
  let git: GitClient;
  let cp: CodePipelineClient;
  let s3: S3Client;
  let work: string;
  let url: string;
  /** The first release, which deployed version 1.0. */
  let firstRelease: string;

  beforeAll(async () => {
    server = await startTestServer();
    git = new GitClient(server.credentials, server.config.region, false);
    cp = new CodePipelineClient(server.clientConfig);
    s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    const cc = new CodeCommitClient(server.clientConfig);
    const cb = new CodeBuildClient(server.clientConfig);
    for (const bucket of ["release-artifacts", "web-site"])
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await cc.send(new CreateRepositoryCommand({ repositoryName: "web" }));
    await cb.send(
      new CreateProjectCommand({
        name: "web-build",
        source: { type: "CODEPIPELINE", buildspec: BUILDSPEC },
        artifacts: { type: "CODEPIPELINE" },
        ...PROJECT_BASICS,
      }),
    );
    cc.destroy();
    cb.destroy();
    url = cloneUrl(server.url, "web", await createGitCredential(server));
    work = git.dir("web");
    await git.ok(["init", "-q", "-b", "main", work]);
  });
  afterAll(async () => {
    cp?.destroy();
    s3?.destroy();
    git?.remove();
    await server?.stop();
  });

  const execution = async (pipelineName: string, id: string) =>
    (await cp.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: id })))
      .pipelineExecution!;
  const approval = async (name: string) => {
    const { stageStates } = await cp.send(new GetPipelineStateCommand({ name }));
    return stageStates!.find((s) => s.stageName === "Approve")!.actionStates![0]!.latestExecution;
  };
  /** PutApprovalResult for the release's approval. */
  const answer = (token: string, status: "Approved" | "Rejected", summary: string) =>
    cp.send(
      new PutApprovalResultCommand({
        pipelineName: "web",
        stageName: "Approve",
        actionName: "Release",
        token,
        result: { status, summary },
      }),
    );
  const page = async (key: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: "web-site", Key: key }))).Body!.transformToString();
  const push = async (files: Record<string, string>) => {
    const commit = await git.commit(work, files);
    await git.ok(["push", "-q", url, "main"], work);
    return commit;
  };

  it("runs once when created, and each push carries its commit through build, approval and deploy", async () => {
    const first = await push({ VERSION: "1.0" });
    await cp.send(new CreatePipelineCommand({ pipeline: releasePipeline("web") }));
    const [created] = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "web" })))
      .pipelineExecutionSummaries!;
    expect(created).toMatchObject({ status: "InProgress", trigger: { triggerType: "CreatePipeline" } });

    await expect
      .poll(async () => (await approval("web"))?.status, waiting("the approval to wait"))
      .toBe("InProgress");
    const waitingFor = (await approval("web"))!;
    expect(waitingFor.token).toMatch(/^[0-9a-f-]{36}$/);
    // The wrong token, then the right one.
    await expect(answer("00000000-0000-0000-0000-000000000000", "Approved", "ok")).rejects.toMatchObject({
      name: "InvalidApprovalTokenException",
    });
    const { approvedAt } = await answer(waitingFor.token!, "Approved", "ship it");
    expect(approvedAt).toBeInstanceOf(Date);
    await expect
      .poll(
        async () => (await execution("web", created!.pipelineExecutionId!)).status,
        waiting("the first release"),
      )
      .toBe("Succeeded");
    expect(await page("index.html")).toBe("<h1>version 1.0 of prod-main</h1>\n");
    firstRelease = created!.pipelineExecutionId!;
    const done = await execution("web", created!.pipelineExecutionId!);
    expect(done.artifactRevisions).toEqual([
      expect.objectContaining({ name: "SourceOutput", revisionId: first }),
    ]);

    // The same token again: the approval is over.
    await expect(answer(waitingFor.token!, "Approved", "again")).rejects.toMatchObject({
      name: "ApprovalAlreadyCompletedException",
    });

    const second = await push({ VERSION: "2.0" });
    await expect
      .poll(
        async () =>
          (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "web" })))
            .pipelineExecutionSummaries!.length,
        waiting("the push to start an execution"),
      )
      .toBe(2);
    const [pushed] = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "web" })))
      .pipelineExecutionSummaries!;
    expect(pushed).toMatchObject({ trigger: { triggerType: "CloudWatchEvent" } });
    await expect
      .poll(async () => (await approval("web"))?.status, waiting("the second approval"))
      .toBe("InProgress");
    await answer((await approval("web"))!.token!, "Approved", "");
    await expect
      .poll(
        async () => (await execution("web", pushed!.pipelineExecutionId!)).status,
        waiting("the second release"),
      )
      .toBe("Succeeded");
    expect(await page("index.html")).toBe("<h1>version 2.0 of prod-main</h1>\n");
    const summaries = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "web" })))
      .pipelineExecutionSummaries!;
    expect(summaries[0]!.sourceRevisions).toEqual([
      expect.objectContaining({ actionName: "Checkout", revisionId: second }),
    ]);

    const { actionExecutionDetails } = await cp.send(
      new ListActionExecutionsCommand({
        pipelineName: "web",
        filter: { pipelineExecutionId: pushed!.pipelineExecutionId! },
      }),
    );
    const compile = actionExecutionDetails!.find((a) => a.actionName === "Compile")!;
    expect(compile).toMatchObject({
      status: "Succeeded",
      input: { resolvedConfiguration: { ProjectName: "web-build" } },
      output: { outputVariables: { BUILT_VERSION: "2.0" } },
    });
    expect(compile.output!.executionResult!.externalExecutionId).toMatch(/^web-build:/);
    const release = actionExecutionDetails!.find((a) => a.actionName === "Release")!;
    expect(release.input!.resolvedConfiguration).toEqual({ CustomData: "Release 2.0?" });

    // Pages of two, newest first, add up to the whole list; a token of another listing is refused.
    const whole = (await cp.send(new ListActionExecutionsCommand({ pipelineName: "web" })))
      .actionExecutionDetails!;
    expect(whole.length).toBeGreaterThan(4);
    const paged: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await cp.send(
        new ListActionExecutionsCommand({ pipelineName: "web", maxResults: 2, nextToken }),
      );
      expect(page.actionExecutionDetails!.length).toBeLessThanOrEqual(2);
      paged.push(...page.actionExecutionDetails!.map((a) => a.actionExecutionId!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(paged).toEqual(whole.map((a) => a.actionExecutionId));
    const firstPage = await cp.send(new ListActionExecutionsCommand({ pipelineName: "web", maxResults: 1 }));
    await expect(
      cp.send(
        new ListActionExecutionsCommand({
          pipelineName: "web",
          filter: { pipelineExecutionId: pushed!.pipelineExecutionId! },
          nextToken: firstPage.nextToken!,
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidNextTokenException" });
  });

  it("a rejected approval fails the execution; a retry of the stage asks again", async () => {
    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: "web" }));
    await expect
      .poll(async () => (await approval("web"))?.status, waiting("the approval"))
      .toBe("InProgress");
    await answer((await approval("web"))!.token!, "Rejected", "not today");
    await expect
      .poll(async () => (await execution("web", pipelineExecutionId!)).status, waiting("the failure"))
      .toBe("Failed");
    expect((await execution("web", pipelineExecutionId!)).statusSummary).toContain("not today");
    await expect(
      cp.send(
        new RetryStageExecutionCommand({
          pipelineName: "web",
          stageName: "Deploy",
          pipelineExecutionId,
          retryMode: "FAILED_ACTIONS",
        }),
      ),
    ).rejects.toMatchObject({ name: "StageNotRetryableException" });
    await cp.send(
      new RetryStageExecutionCommand({
        pipelineName: "web",
        stageName: "Approve",
        pipelineExecutionId,
        retryMode: "FAILED_ACTIONS",
      }),
    );
    await expect
      .poll(async () => (await approval("web"))?.status, waiting("the approval again"))
      .toBe("InProgress");
    await answer((await approval("web"))!.token!, "Approved", "ok now");
    await expect
      .poll(
        async () => (await execution("web", pipelineExecutionId!)).status,
        waiting("the retry to succeed"),
      )
      .toBe("Succeeded");
  });

  it("a disabled transition holds the release before Deploy until it is enabled", async () => {
    await cp.send(
      new DisableStageTransitionCommand({
        pipelineName: "web",
        stageName: "Deploy",
        transitionType: "Inbound",
        reason: "code freeze",
      }),
    );
    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: "web" }));
    await expect
      .poll(async () => (await approval("web"))?.status, waiting("the approval"))
      .toBe("InProgress");
    await answer((await approval("web"))!.token!, "Approved", "");
    const deployState = async () =>
      (await cp.send(new GetPipelineStateCommand({ name: "web" }))).stageStates!.find(
        (s) => s.stageName === "Deploy",
      )!;
    await expect
      .poll(
        async () => (await deployState()).inboundExecution?.pipelineExecutionId,
        waiting("the release to wait at Deploy"),
      )
      .toBe(pipelineExecutionId);
    expect((await deployState()).inboundTransitionState).toMatchObject({
      enabled: false,
      disabledReason: "code freeze",
    });
    await cp.send(
      new EnableStageTransitionCommand({
        pipelineName: "web",
        stageName: "Deploy",
        transitionType: "Inbound",
      }),
    );
    await expect
      .poll(async () => (await execution("web", pipelineExecutionId!)).status, waiting("the release"))
      .toBe("Succeeded");
  });

  it("stops: waiting for what runs, or abandoning it", async () => {
    const { pipelineExecutionId: waitId } = await cp.send(new StartPipelineExecutionCommand({ name: "web" }));
    await expect
      .poll(async () => (await approval("web"))?.status, waiting("the approval"))
      .toBe("InProgress");
    await cp.send(
      new StopPipelineExecutionCommand({ pipelineName: "web", pipelineExecutionId: waitId, reason: "later" }),
    );
    await expect(
      cp.send(new StopPipelineExecutionCommand({ pipelineName: "web", pipelineExecutionId: waitId })),
    ).rejects.toMatchObject({ name: "DuplicatedStopRequestException" });
    expect((await execution("web", waitId!)).status).toBe("Stopping");
    await cp.send(
      new StopPipelineExecutionCommand({ pipelineName: "web", pipelineExecutionId: waitId, abandon: true }),
    );
    await expect
      .poll(async () => (await execution("web", waitId!)).status, waiting("the stop"))
      .toBe("Stopped");
    expect((await approval("web"))?.status).toBe("Abandoned");
    const [summary] = (
      await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "web", maxResults: 1 }))
    ).pipelineExecutionSummaries!;
    expect(summary).toMatchObject({
      pipelineExecutionId: waitId,
      status: "Stopped",
      stopTrigger: { reason: "later" },
    });
    await expect(
      cp.send(new StopPipelineExecutionCommand({ pipelineName: "web", pipelineExecutionId: waitId })),
    ).rejects.toMatchObject({ name: "PipelineExecutionNotStoppableException" });
  });

  it("rolls the Deploy stage back to what the first release deployed", async () => {
    expect(await page("index.html")).toBe("<h1>version 2.0 of prod-main</h1>\n");
    const { pipelineExecutionSummaries } = await cp.send(
      new ListPipelineExecutionsCommand({ pipelineName: "web" }),
    );
    const stopped = pipelineExecutionSummaries!.find((e) => e.status === "Stopped")!;
    await expect(
      cp.send(
        new RollbackStageCommand({
          pipelineName: "web",
          stageName: "Deploy",
          targetPipelineExecutionId: stopped.pipelineExecutionId,
        }),
      ),
    ).rejects.toMatchObject({
      name: "UnableToRollbackStageException",
      message: expect.stringContaining("did not succeed"),
    });
    const { pipelineExecutionId } = await cp.send(
      new RollbackStageCommand({
        pipelineName: "web",
        stageName: "Deploy",
        targetPipelineExecutionId: firstRelease,
      }),
    );
    await expect
      .poll(async () => (await execution("web", pipelineExecutionId!)).status, waiting("the rollback"))
      .toBe("Succeeded");
    expect(await execution("web", pipelineExecutionId!)).toMatchObject({
      executionType: "ROLLBACK",
      trigger: { triggerType: "ManualRollback" },
      rollbackMetadata: { rollbackTargetPipelineExecutionId: firstRelease },
    });
    expect(await page("index.html")).toBe("<h1>version 1.0 of prod-main</h1>\n");
  });

  it("pipewright pipeline watch follows an execution, shows the approval command, and exits with its outcome", async () => {
    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: "web" }));
    const watch = spawnPipewright([
      "pipeline",
      "watch",
      "web",
      "--execution",
      pipelineExecutionId!,
      "--endpoint",
      server.url,
      "--data-dir",
      server.dataDir,
      "--interval",
      "100",
    ]);
    const [, token] = await watch.waitFor(
      /put-approval-result --pipeline-name web --stage-name Approve --action-name Release --token (\S+)/,
      60_000,
    );
    await answer(token!, "Approved", "from the watch");
    expect(await watch.exited, watch.output()).toBe(0);
    const out = watch.output();
    expect(out).toContain(`web · execution ${pipelineExecutionId} · StartPipelineExecution`);
    expect(out).toMatch(/✓ Build\/Compile +Succeeded +\d+s +http/);
    expect(out).toMatch(/execution Succeeded/);

    // A pipeline that does not exist: a clear error and exit code 1.
    const missing = spawnPipewright([
      "pipeline",
      "watch",
      "nope",
      "--endpoint",
      server.url,
      "--data-dir",
      server.dataDir,
    ]);
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toMatch(/PipelineNotFoundException: Pipeline "nope" does not exist/);
  });
});
