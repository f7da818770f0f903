import { CodeBuildClient, CreateProjectCommand } from "@aws-sdk/client-codebuild";
import { CodeCommitClient, CreateRepositoryCommand, PutFileCommand } from "@aws-sdk/client-codecommit";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, browserUnavailable, launchBrowser } from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS } from "./codebuild-support.js";

const unavailable = browserUnavailable();

/**
 * A release in the console's visual workflow, in the distribution's Chromium: stages left to right,
 * the commit flowing through, a manual approval approved from the page and the next stage running
 * on its own; a rejected approval shown with its reason.
 */
describe.skipIf(unavailable !== undefined)("pipelines in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const apiCalls: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "release-artifacts" }));
    s3.destroy();
    const cc = new CodeCommitClient(server.clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "web" }));
    await cc.send(
      new PutFileCommand({
        repositoryName: "web",
        branchName: "main",
        filePath: "index.html",
        fileContent: Buffer.from("<h1>hello</h1>\n"),
        commitMessage: "First page of the site",
      }),
    );
    cc.destroy();
    const cb = new CodeBuildClient(server.clientConfig);
    await cb.send(
      new CreateProjectCommand({
        name: "web-build",
        source: {
          type: "CODEPIPELINE",
          buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - cat index.html\n",
        },
        artifacts: { type: "CODEPIPELINE" },
        ...PROJECT_BASICS,
      }),
    );
    cb.destroy();
    const cp = new CodePipelineClient(server.clientConfig);
    await cp.send(
      new CreatePipelineCommand({
        pipeline: {
          name: "release",
          roleArn: "arn:aws:iam::000000000000:role/pipeline",
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
                },
              ],
            },
            {
              name: "Approve",
              actions: [
                {
                  name: "Release",
                  actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
                  configuration: { CustomData: "Ship <b>it</b>?" },
                },
              ],
            },
            {
              name: "Build",
              actions: [
                {
                  name: "Compile",
                  actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
                  configuration: { ProjectName: "web-build" },
                  inputArtifacts: [{ name: "SourceOutput" }],
                  runOrder: 1,
                },
                {
                  name: "Lint",
                  actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
                  configuration: { ProjectName: "web-build" },
                  inputArtifacts: [{ name: "SourceOutput" }],
                  runOrder: 1,
                },
              ],
            },
          ],
        },
      }),
    );
    cp.destroy();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("request", (request) => {
      const target = request.headers()["x-amz-target"];
      if (target) apiCalls.push(target);
    });
    await page.goto(server.console.signInLink());
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const stage = (name: string) => page.getByRole("region", { name: `Stage ${name}` });
  const action = (name: string) => page.getByLabel(`Action ${name}`, { exact: true });

  it("shows the workflow left to right with the commit, and approving runs the next stage", async () => {
    await page.goto(`${server.url}/_/console/codepipeline/pipelines`);
    await page.getByRole("link", { name: "release", exact: true }).click();
    await stage("Build").waitFor();
    const boxes = await Promise.all(["Source", "Approve", "Build"].map((s) => stage(s).boundingBox()));
    expect(boxes[0]!.x).toBeLessThan(boxes[1]!.x);
    expect(boxes[1]!.x).toBeLessThan(boxes[2]!.x);
    // Actions of one run order side by side.
    const [compile, lint] = await Promise.all([
      action("Compile").boundingBox(),
      action("Lint").boundingBox(),
    ]);
    expect(Math.abs(compile!.y - lint!.y)).toBeLessThan(5);
    expect(compile!.x).not.toBe(lint!.x);
    await page.getByText("First page of the site").first().waitFor();
    await action("Checkout").getByText("Succeeded").first().waitFor({ timeout: 30_000 });
    await action("Release").getByText("In progress").first().waitFor({ timeout: 30_000 });
    expect(await accessibilityViolations(page)).toEqual([]);
    await action("Release").getByRole("button", { name: "Review" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Ship <b>it</b>?").waitFor();
    await dialog.getByLabel("Comments").fill("Looks good");
    await dialog.getByRole("button", { name: "Approve" }).click();
    await action("Release").getByText("Succeeded").first().waitFor({ timeout: 30_000 });
    // The next stage runs without a reload.
    await action("Compile").getByText("Succeeded").first().waitFor({ timeout: 60_000 });
    await action("Lint").getByText("Succeeded").first().waitFor({ timeout: 60_000 });
  }, 120_000);

  it("shows a rejected approval with its reason", async () => {
    await page.getByRole("button", { name: "Release change" }).click();
    await action("Release").getByText("In progress").first().waitFor({ timeout: 60_000 });
    await action("Release").getByRole("button", { name: "Review" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Comments").fill("Not this one");
    await dialog.getByRole("button", { name: "Reject" }).click();
    await action("Release").getByText("Failed").first().waitFor({ timeout: 30_000 });
    await action("Release")
      .getByText(/Not this one|Rejected/)
      .first()
      .waitFor();
  }, 120_000);

  it("shows a change made elsewhere within a moment, pushed by the server rather than polled", async () => {
    const cp = new CodePipelineClient(server.clientConfig);
    await cp.send(new StartPipelineExecutionCommand({ name: "release" }));
    await action("Release").getByRole("button", { name: "Review" }).waitFor({ timeout: 60_000 });
    // While nothing changes, the page does not ask: it is not polling every 2 s.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const asked = () => apiCalls.filter((t) => t.endsWith(".GetPipelineState")).length;
    const before = asked();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(asked()).toBe(before);
    const { stageStates } = await cp.send(new GetPipelineStateCommand({ name: "release" }));
    const token = stageStates?.find((s) => s.stageName === "Approve")?.actionStates?.[0]?.latestExecution
      ?.token;
    await cp.send(
      new PutApprovalResultCommand({
        pipelineName: "release",
        stageName: "Approve",
        actionName: "Release",
        token,
        result: { status: "Approved", summary: "from the terminal" },
      }),
    );
    cp.destroy();
    // While changes are pushed the page polls every 30 s: only the push shows this within 8 s.
    // (How fast is measured by `npm run bench -- console`, not asserted here.)
    await action("Release").getByText("Succeeded").first().waitFor({ timeout: 8_000 });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
