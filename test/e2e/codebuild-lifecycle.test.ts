import {
  BatchGetBuildsCommand,
  BatchGetReportsCommand,
  CodeBuildClient,
  DescribeTestCasesCommand,
  ListReportGroupsCommand,
  ListReportsForReportGroupCommand,
  CreateProjectCommand,
  ListBuildsForProjectCommand,
  StartBuildCommand,
  StopBuildCommand,
} from "@aws-sdk/client-codebuild";
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "../../src/platform/bus/index.js";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import { fakeEngine, waitForBuild, zipOf } from "./codebuild-support.js";

const environment = {
  type: "LINUX_CONTAINER" as const,
  image: "aws/codebuild/standard:7.0",
  computeType: "BUILD_GENERAL1_SMALL" as const,
};

describe("a build's whole lifecycle with an engine installed", () => {
  let server: TestServer;
  let cb: CodeBuildClient;
  let logs: CloudWatchLogsClient;
  let s3: S3Client;
  const events: BusEvent[] = [];
  beforeAll(async () => {
    server = await startTestServer({ server: { runBuild: fakeEngine } });
    server.bus.subscribe("codebuild-test", async (event) => {
      events.push(event);
    });
    cb = new CodeBuildClient(server.clientConfig);
    logs = new CloudWatchLogsClient(server.clientConfig);
    s3 = new S3Client(server.clientConfig);
    const ssm = new SSMClient(server.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: "/app/token", Value: "s3cr3t", Type: "SecureString" }));
    ssm.destroy();
    await s3.send(new CreateBucketCommand({ Bucket: "src" }));
    await s3.send(new CreateBucketCommand({ Bucket: "out" }));
    await s3.send(
      new PutObjectCommand({
        Bucket: "src",
        Key: "app.zip",
        Body: await zipOf({ "README.txt": "hello from s3" }),
      }),
    );
    await cb.send(
      new CreateProjectCommand({
        name: "app",
        source: { type: "S3", location: "src/app.zip" },
        artifacts: { type: "S3", location: "out", path: "builds", namespaceType: "BUILD_ID", name: "app" },
        environment: {
          ...environment,
          environmentVariables: [{ name: "TOKEN", value: "/app/token", type: "PARAMETER_STORE" }],
        },
        serviceRole: "r",
      }),
    );
  });
  afterAll(async () => {
    cb?.destroy();
    logs?.destroy();
    s3?.destroy();
    await server?.stop();
  });

  it("runs: phases, logs, artifacts, exported variables and events", async () => {
    const { build } = await cb.send(new StartBuildCommand({ projectName: "app" }));
    const done = await waitForBuild(cb, build!.id!);
    expect(done.buildStatus).toBe("SUCCEEDED");
    expect(done.phases?.map((p) => p.phaseType)).toEqual([
      "SUBMITTED",
      "QUEUED",
      "PROVISIONING",
      "DOWNLOAD_SOURCE",
      "BUILD",
      "UPLOAD_ARTIFACTS",
      "COMPLETED",
    ]);
    expect(done.currentPhase).toBe("COMPLETED");
    expect(done.exportedEnvironmentVariables).toEqual([{ name: "VERSION", value: "1.0.1" }]);
    const uuid = build!.id!.split(":")[1]!;
    expect(done.artifacts?.location).toBe(`arn:aws:s3:::out/builds/${uuid}/app`);
    const object = await s3.send(new GetObjectCommand({ Bucket: "out", Key: `builds/${uuid}/app/app.txt` }));
    expect(await object.Body!.transformToString()).toBe("built 1");

    const { events: lines } = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/aws/codebuild/app",
        logStreamName: uuid,
        startFromHead: true,
      }),
    );
    expect(lines?.map((l) => l.message)).toEqual([
      "source says: hello from s3",
      "parameter is s3cr3t",
      "build done",
    ]);
    const filtered = await logs.send(
      new FilterLogEventsCommand({ logGroupName: "/aws/codebuild/app", filterPattern: "parameter" }),
    );
    expect(filtered.events?.map((e) => e.message)).toEqual(["parameter is s3cr3t"]);

    await expect
      .poll(() => events.filter((e) => e.detail["build-id"] === done.arn).length)
      .toBeGreaterThan(3);
    const mine = events.filter((e) => e.detail["build-id"] === done.arn);
    const states = mine.filter((e) => e["detail-type"] === "CodeBuild Build State Change");
    expect(states.map((e) => e.detail["build-status"])).toEqual(["IN_PROGRESS", "SUCCEEDED"]);
    expect(states[1]).toMatchObject({
      source: "aws.codebuild",
      resources: [done.arn],
      detail: { "project-name": "app" },
    });
    const phases = mine.filter((e) => e["detail-type"] === "CodeBuild Build Phase Change");
    expect(phases.map((e) => e.detail["completed-phase"])).toContain("BUILD");
  });

  it("its test report is stored with status and counts", async () => {
    const { reportGroups } = await cb.send(new ListReportGroupsCommand({}));
    const group = "arn:aws:codebuild:us-east-1:000000000000:report-group/app-unit";
    expect(reportGroups).toEqual([group]);
    const { reports } = await cb.send(new ListReportsForReportGroupCommand({ reportGroupArn: group }));
    const got = await cb.send(new BatchGetReportsCommand({ reportArns: reports! }));
    expect(got.reports?.[0]).toMatchObject({
      status: "FAILED",
      reportGroupArn: group,
      testSummary: { total: 2, statusCounts: { SUCCEEDED: 1, FAILED: 1 }, durationInNanoSeconds: 12 },
    });
    const failed = await cb.send(
      new DescribeTestCasesCommand({ reportArn: reports![0]!, filter: { status: "FAILED" } }),
    );
    expect(failed.testCases?.map((t) => [t.name, t.message])).toEqual([["divides", "1/0"]]);
    const { builds } = await cb.send(
      new BatchGetBuildsCommand({
        ids: (await cb.send(new ListBuildsForProjectCommand({ projectName: "app" }))).ids!,
      }),
    );
    expect(builds?.[0]?.reportArns).toEqual(reports);
  });

  it.runIf(hasAwsCli())("its log reads with aws logs get-log-events", async () => {
    const { ids } = await cb.send(new ListBuildsForProjectCommand({ projectName: "app" }));
    const uuid = ids![0]!.split(":")[1]!;
    const out = await awsCli(server, [
      "logs",
      "get-log-events",
      "--log-group-name",
      "/aws/codebuild/app",
      "--log-stream-name",
      uuid,
      "--start-from-head",
    ]);
    expect(out.stderr).toBe("");
    expect(JSON.parse(out.stdout).events.map((e: { message: string }) => e.message)).toContain("build done");
  });

  it("StopBuild ends a running build STOPPED", async () => {
    const { build } = await cb.send(
      new StartBuildCommand({
        projectName: "app",
        environmentVariablesOverride: [{ name: "MODE", value: "hang" }],
        artifactsOverride: { type: "NO_ARTIFACTS" },
      }),
    );
    await waitForBuild(cb, build!.id!, (b) => b.currentPhase === "BUILD");
    const stopped = await cb.send(new StopBuildCommand({ id: build!.id! }));
    expect(stopped.build?.buildComplete).toBe(false);
    const done = await waitForBuild(cb, build!.id!);
    expect(done.buildStatus).toBe("STOPPED");
  });

  it("an engine that crashes ends the build FAULT, saying why", async () => {
    const { build } = await cb.send(
      new StartBuildCommand({
        projectName: "app",
        environmentVariablesOverride: [{ name: "MODE", value: "crash" }],
      }),
    );
    const done = await waitForBuild(cb, build!.id!);
    expect(done.buildStatus).toBe("FAULT");
    const contexts = done.phases!.flatMap((p) => p.contexts ?? []);
    expect(contexts.map((c) => c.message).join()).toContain("the engine fell over");
  });

  it("past concurrentBuildLimit StartBuild fails with AccountLimitExceededException", async () => {
    await cb.send(
      new CreateProjectCommand({
        name: "limited",
        source: { type: "NO_SOURCE", buildspec: "version: 0.2" },
        artifacts: { type: "NO_ARTIFACTS" },
        environment: { ...environment, environmentVariables: [{ name: "MODE", value: "hang" }] },
        serviceRole: "r",
        concurrentBuildLimit: 1,
      }),
    );
    const { build } = await cb.send(new StartBuildCommand({ projectName: "limited" }));
    await expect(cb.send(new StartBuildCommand({ projectName: "limited" }))).rejects.toMatchObject({
      name: "AccountLimitExceededException",
    });
    await cb.send(new StopBuildCommand({ id: build!.id! }));
    expect((await waitForBuild(cb, build!.id!)).buildStatus).toBe("STOPPED");
    const again = await cb.send(new StartBuildCommand({ projectName: "limited" }));
    await cb.send(new StopBuildCommand({ id: again.build!.id! }));
    const { builds } = await cb.send(new BatchGetBuildsCommand({ ids: [again.build!.id!] }));
    expect(builds?.[0]?.buildNumber).toBe(2);
  });
});
