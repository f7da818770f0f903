import {
  BatchGetProjectsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  DeleteProjectCommand,
  ListCuratedEnvironmentImagesCommand,
  ListProjectsCommand,
  StartBuildCommand,
  UpdateProjectCommand,
} from "@aws-sdk/client-codebuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import { waitForBuild } from "./codebuild-support.js";

const base = {
  source: {
    type: "NO_SOURCE" as const,
    buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n",
  },
  artifacts: { type: "NO_ARTIFACTS" as const },
  environment: {
    type: "LINUX_CONTAINER" as const,
    image: "aws/codebuild/standard:7.0",
    computeType: "BUILD_GENERAL1_SMALL" as const,
  },
  serviceRole: "arn:aws:iam::000000000000:role/cb",
};

describe("CodeBuild projects through the SDK", () => {
  let server: TestServer;
  let cb: CodeBuildClient;
  beforeAll(async () => {
    server = await startTestServer();
    cb = new CodeBuildClient(server.clientConfig);
  });
  afterAll(async () => {
    cb?.destroy();
    await server?.stop();
  });

  it("creates a project with AWS's defaults", async () => {
    const { project } = await cb.send(
      new CreateProjectCommand({ name: "alpha", ...base, badgeEnabled: true }),
    );
    expect(project).toMatchObject({
      name: "alpha",
      arn: "arn:aws:codebuild:us-east-1:000000000000:project/alpha",
      timeoutInMinutes: 60,
      queuedTimeoutInMinutes: 480,
      environment: { privilegedMode: false, imagePullCredentialsType: "CODEBUILD", environmentVariables: [] },
      cache: { type: "NO_CACHE" },
      logsConfig: { cloudWatchLogs: { status: "ENABLED" }, s3Logs: { status: "DISABLED" } },
      badge: { badgeEnabled: true, badgeRequestUrl: `${server.url}/_/codebuild/badges/alpha` },
    });
    expect(project!.created).toBeInstanceOf(Date);
  });

  it("refuses a duplicate, an unknown project and bad input with AWS's codes", async () => {
    await expect(cb.send(new CreateProjectCommand({ name: "alpha", ...base }))).rejects.toMatchObject({
      name: "ResourceAlreadyExistsException",
    });
    await expect(cb.send(new UpdateProjectCommand({ name: "nope", description: "x" }))).rejects.toMatchObject(
      {
        name: "ResourceNotFoundException",
      },
    );
    await expect(cb.send(new CreateProjectCommand({ name: "x", ...base }))).rejects.toMatchObject({
      name: "InvalidInputException",
      message: expect.stringContaining("Value at 'name'"),
    });
    await expect(
      cb.send(new CreateProjectCommand({ name: "nobuildspec", ...base, source: { type: "NO_SOURCE" } })),
    ).rejects.toMatchObject({ name: "InvalidInputException", message: expect.stringContaining("buildspec") });
    await expect(
      cb.send(
        new CreateProjectCommand({
          name: "github",
          ...base,
          source: { type: "GITHUB", location: "https://x" },
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidInputException", message: expect.stringContaining("GITHUB") });
    await expect(cb.send(new StartBuildCommand({ projectName: "ghost" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("updates only the members given, and lists and deletes", async () => {
    const { project } = await cb.send(
      new UpdateProjectCommand({ name: "alpha", timeoutInMinutes: 15, description: "d" }),
    );
    expect(project).toMatchObject({ timeoutInMinutes: 15, description: "d", queuedTimeoutInMinutes: 480 });
    await cb.send(new CreateProjectCommand({ name: "beta", ...base }));
    expect((await cb.send(new ListProjectsCommand({}))).projects).toEqual(["alpha", "beta"]);
    expect(
      (await cb.send(new ListProjectsCommand({ sortBy: "NAME", sortOrder: "DESCENDING" }))).projects,
    ).toEqual(["beta", "alpha"]);
    const got = await cb.send(new BatchGetProjectsCommand({ names: ["beta", "missing"] }));
    expect(got.projects?.map((p) => p.name)).toEqual(["beta"]);
    expect(got.projectsNotFound).toEqual(["missing"]);
    await cb.send(new DeleteProjectCommand({ name: "beta" }));
    expect((await cb.send(new ListProjectsCommand({}))).projects).toEqual(["alpha"]);
  });

  it("StartBuild records SUBMITTED and QUEUED, the runner completes the build, the badge shows it", async () => {
    const { build } = await cb.send(new StartBuildCommand({ projectName: "alpha" }));
    expect(build).toMatchObject({
      buildNumber: 1,
      buildStatus: "IN_PROGRESS",
      projectName: "alpha",
      buildComplete: false,
      logs: { groupName: "/aws/codebuild/alpha", streamName: build!.id!.split(":")[1] },
      initiator: "arn:aws:iam::000000000000:root",
    });
    expect(build!.id).toMatch(/^alpha:[0-9a-f-]{36}$/);
    expect(build!.arn).toBe(`arn:aws:codebuild:us-east-1:000000000000:build/${build!.id}`);
    expect(build!.phases?.map((p) => p.phaseType)).toEqual(["SUBMITTED", "QUEUED"]);
    expect(build!.phases?.[0]?.phaseStatus).toBe("SUCCEEDED");
    const ended = await waitForBuild(cb, build!.id!);
    expect(ended.buildStatus).toBe("SUCCEEDED");
    expect(ended.phases!.at(-1)?.phaseType).toBe("COMPLETED");
    const badge = await fetch(`${server.url}/_/codebuild/badges/alpha`);
    expect(badge.headers.get("content-type")).toContain("image/svg+xml");
    expect(await badge.text()).toContain("passing");
  });

  it("says what environment it really provides", async () => {
    const { platforms } = await cb.send(new ListCuratedEnvironmentImagesCommand({}));
    expect(platforms?.[0]?.languages?.[0]?.images?.[0]?.description).toContain("host");
  });

  it.runIf(hasAwsCli())("works through the AWS CLI", async () => {
    const created = await awsCli(server, [
      "codebuild",
      "create-project",
      "--name",
      "cli-proj",
      "--source",
      JSON.stringify(base.source),
      "--artifacts",
      '{"type":"NO_ARTIFACTS"}',
      "--environment",
      JSON.stringify(base.environment),
      "--service-role",
      "r",
    ]);
    expect(created.stderr).toBe("");
    expect(JSON.parse(created.stdout).project.name).toBe("cli-proj");
    const started = await awsCli(server, ["codebuild", "start-build", "--project-name", "cli-proj"]);
    const id = JSON.parse(started.stdout).build.id as string;
    const got = await awsCli(server, ["codebuild", "batch-get-builds", "--ids", id]);
    expect(JSON.parse(got.stdout).builds[0]).toMatchObject({ id, projectName: "cli-proj" });
  });
});
