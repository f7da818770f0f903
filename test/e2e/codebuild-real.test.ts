import {
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
  StopBuildCommand,
} from "@aws-sdk/client-codebuild";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_PHASES } from "../../src/runner/api.js";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import { signedFetch } from "../support/signed-fetch.js";
import { unzip, waitForBuild, zipOf } from "./codebuild-support.js";

/** CodeBuild through the API with the real engine: commands really run, in the real sandbox. */
describe("CodeBuild with the embedded runner", () => {
  let server: TestServer;
  let codebuild: CodeBuildClient;
  let logs: CloudWatchLogsClient;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startTestServer();
    codebuild = new CodeBuildClient(server.clientConfig);
    logs = new CloudWatchLogsClient(server.clientConfig);
    s3 = new S3Client(server.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "artifacts" }));
    await new SSMClient(server.clientConfig).send(
      new PutParameterCommand({ Name: "/ci/token", Type: "SecureString", Value: "tok-7f3a9c-secret" }),
    );
  });
  afterAll(async () => {
    await server.stop();
  });

  async function project(name: string, buildspec: string, artifacts = false): Promise<void> {
    await codebuild.send(
      new CreateProjectCommand({
        name,
        source: { type: "NO_SOURCE", buildspec },
        artifacts: artifacts
          ? { type: "S3", location: "artifacts", name: "out.zip", packaging: "ZIP" }
          : { type: "NO_ARTIFACTS" },
        environment: {
          type: "LINUX_CONTAINER",
          image: "aws/codebuild/standard:7.0",
          computeType: "BUILD_GENERAL1_SMALL",
        },
        serviceRole: "arn:aws:iam::000000000000:role/codebuild",
      }),
    );
  }

  async function logText(groupName: string, streamName: string): Promise<string> {
    const out = await logs.send(
      new GetLogEventsCommand({ logGroupName: groupName, logStreamName: streamName, startFromHead: true }),
    );
    return (out.events ?? []).map((e) => e.message).join("\n");
  }

  it("runs a buildspec: phases, carried shell state, logs, masked secrets, exported variables, artifacts", async () => {
    await project(
      "app",
      [
        "version: 0.2",
        "env:",
        "  parameter-store:",
        "    TOKEN: /ci/token",
        "  exported-variables: [RESULT]",
        "phases:",
        "  install:",
        "    commands:",
        "      - mkdir -p out && cd out",
        "      - export GREETING=hello",
        "  build:",
        "    commands:",
        '      - echo "$GREETING from $(basename $PWD) build $CODEBUILD_BUILD_NUMBER" > result.txt',
        "      - echo token is $TOKEN",
        "      - export RESULT=done",
        "artifacts:",
        "  base-directory: out",
        "  files: ['**/*']",
      ].join("\n"),
      true,
    );
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "app" }));
    const done = await waitForBuild(codebuild, build!.id!, undefined, 30_000);
    expect(done.buildStatus).toBe("SUCCEEDED");
    expect(done.phases?.map((p) => p.phaseType)).toEqual([...BUILD_PHASES]);
    expect(done.exportedEnvironmentVariables).toEqual([{ name: "RESULT", value: "done" }]);
    const text = await logText(done.logs!.groupName!, done.logs!.streamName!);
    expect(text).toContain("token is ***");
    expect(text).not.toContain("tok-7f3a9c-secret");

    // The log's deep link serves it as plain text to a signed request; a browser is sent to the
    // build's page in the console (which asks it to sign in), with none of the log.
    const deepLink = new URL(done.logs!.deepLink!);
    const browser = await fetch(deepLink, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(browser.status).toBe(302);
    expect(browser.headers.get("location")).toBe(
      `/_/console/codebuild/builds/${encodeURIComponent(done.id!)}`,
    );
    expect(await browser.text()).not.toContain("token is");
    const badlySigned = await fetch(deepLink, { headers: { authorization: "AWS4-HMAC-SHA256 nonsense" } });
    expect(badlySigned.status).toBe(403);
    const signed = await signedFetch(server, {
      method: "GET",
      path: deepLink.pathname,
      service: "codebuild",
    });
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain("token is ***");

    const location = done.artifacts!.location!; // arn:aws:s3:::artifacts/…/out.zip
    const key = location.replace(/^arn:aws:s3:::artifacts\//, "");
    const zip = await s3.send(new GetObjectCommand({ Bucket: "artifacts", Key: key }));
    const bytes = Buffer.from(await zip.Body!.transformToByteArray());
    const entries = await unzip(bytes);
    expect(entries["result.txt"]).toBe("hello from out build 1\n");
  });

  it("builds an S3 source zip with its own buildspec.yml, and a secondary source", async () => {
    const primary = await zipOf({
      "buildspec.yml":
        "version: 0.2\nphases:\n  build:\n    commands:\n      - cat app.txt\n      - cat $CODEBUILD_SRC_DIR_lib/lib.txt\n",
      "app.txt": "app-source-contents",
    });
    const secondary = await zipOf({ "lib.txt": "lib-source-contents" });
    await s3.send(new PutObjectCommand({ Bucket: "artifacts", Key: "src/app.zip", Body: primary }));
    await s3.send(new PutObjectCommand({ Bucket: "artifacts", Key: "src/lib.zip", Body: secondary }));
    await codebuild.send(
      new CreateProjectCommand({
        name: "from-s3",
        source: { type: "S3", location: "artifacts/src/app.zip" },
        secondarySources: [{ type: "S3", location: "artifacts/src/lib.zip", sourceIdentifier: "lib" }],
        artifacts: { type: "NO_ARTIFACTS" },
        environment: {
          type: "LINUX_CONTAINER",
          image: "aws/codebuild/standard:7.0",
          computeType: "BUILD_GENERAL1_SMALL",
        },
        serviceRole: "arn:aws:iam::000000000000:role/codebuild",
      }),
    );
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "from-s3" }));
    const done = await waitForBuild(codebuild, build!.id!, undefined, 30_000);
    const text = await logText(done.logs!.groupName!, done.logs!.streamName!);
    expect(done.buildStatus, text).toBe("SUCCEEDED");
    expect(text).toContain("app-source-contents");
    expect(text).toContain("lib-source-contents");
  });

  it("keeps cache.paths between builds of a project in an S3 cache", async () => {
    const buildspec = [
      "version: 0.2",
      "phases:",
      "  build:",
      "    commands:",
      "      - if [ -f deps/marker ]; then echo cache-hit $(cat deps/marker); else echo cache-miss; fi",
      "      - mkdir -p deps && echo $CODEBUILD_BUILD_NUMBER > deps/marker",
      "cache:",
      "  paths: ['deps/**/*']",
    ].join("\n");
    await codebuild.send(
      new CreateProjectCommand({
        name: "cached",
        source: { type: "NO_SOURCE", buildspec },
        artifacts: { type: "NO_ARTIFACTS" },
        cache: { type: "S3", location: "artifacts/caches" },
        environment: {
          type: "LINUX_CONTAINER",
          image: "aws/codebuild/standard:7.0",
          computeType: "BUILD_GENERAL1_SMALL",
        },
        serviceRole: "arn:aws:iam::000000000000:role/codebuild",
      }),
    );
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { build } = await codebuild.send(new StartBuildCommand({ projectName: "cached" }));
      const done = await waitForBuild(codebuild, build!.id!, undefined, 30_000);
      const text = await logText(done.logs!.groupName!, done.logs!.streamName!);
      expect(done.buildStatus, text).toBe("SUCCEEDED");
      texts.push(text);
    }
    expect(texts[0]).toContain("cache-miss");
    expect(texts[1]).toContain("cache-hit 1");
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "artifacts", Prefix: "caches/" }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["caches/cached-codebuild-cache.zip"]);
  });

  it("fails a command with COMMAND_EXECUTION_ERROR, still runs POST_BUILD, and keeps the logs", async () => {
    await project(
      "failing",
      "version: 0.2\nphases:\n  build:\n    commands:\n      - echo before\n      - exit 3\n  post_build:\n    commands:\n      - echo succeeding=$CODEBUILD_BUILD_SUCCEEDING\n",
    );
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "failing" }));
    const done = await waitForBuild(codebuild, build!.id!, undefined, 30_000);
    expect(done.buildStatus).toBe("FAILED");
    const buildPhase = done.phases?.find((p) => p.phaseType === "BUILD");
    expect(buildPhase?.phaseStatus).toBe("FAILED");
    expect(buildPhase?.contexts?.[0]?.statusCode).toBe("COMMAND_EXECUTION_ERROR");
    expect(buildPhase?.contexts?.[0]?.message).toContain("exit 3");
    expect(done.phases?.find((p) => p.phaseType === "POST_BUILD")?.phaseStatus).toBe("SUCCEEDED");
    const text = await logText(done.logs!.groupName!, done.logs!.streamName!);
    expect(text).toContain("before");
    expect(text).toContain("succeeding=0");
  });

  it("reports a buildspec error as YAML_FILE_ERROR with line and column before running anything", async () => {
    await project("badspec", "version: 0.2\nphases:\n  build:\n    commands:\n      run: echo never\n");
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "badspec" }));
    const done = await waitForBuild(codebuild, build!.id!, undefined, 30_000);
    expect(done.buildStatus).toBe("FAILED");
    const download = done.phases?.find((p) => p.phaseType === "DOWNLOAD_SOURCE");
    expect(download?.contexts?.[0]?.statusCode).toBe("YAML_FILE_ERROR");
    expect(download?.contexts?.[0]?.message).toMatch(/buildspec\.yml:5:\d+: phases\.build\.commands/);
  });

  it("stops a running build: STOPPED, and its process tree is gone", async () => {
    await project("sleepy", "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 300\n");
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "sleepy" }));
    await waitForBuild(codebuild, build!.id!, (b) => b.currentPhase === "BUILD", 30_000);
    await codebuild.send(new StopBuildCommand({ id: build!.id! }));
    const done = await waitForBuild(codebuild, build!.id!, undefined, 10_000);
    expect(done.buildStatus).toBe("STOPPED");
  });

  it.runIf(hasAwsCli())("works from the AWS CLI: start-build, batch-get-builds, logs", async () => {
    await project("cli", "version: 0.2\nphases:\n  build:\n    commands:\n      - echo from-the-cli\n");
    const started = await awsCli(server, ["codebuild", "start-build", "--project-name", "cli"]);
    expect(started.stderr).toBe("");
    const id = (JSON.parse(started.stdout) as { build: { id: string } }).build.id;
    const done = await waitForBuild(codebuild, id, undefined, 30_000);
    expect(done.buildStatus).toBe("SUCCEEDED");
    const got = await awsCli(server, ["codebuild", "batch-get-builds", "--ids", id]);
    expect(JSON.parse(got.stdout)).toMatchObject({ builds: [{ id, buildStatus: "SUCCEEDED" }] });
    const events = await awsCli(server, [
      "logs",
      "get-log-events",
      "--log-group-name",
      "/aws/codebuild/cli",
      "--log-stream-name",
      id.split(":")[1]!,
      "--start-from-head",
    ]);
    expect(events.stdout).toContain("from-the-cli");
  });
});
