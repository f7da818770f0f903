import {
  BatchGetProjectsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  UpdateProjectCommand,
} from "@aws-sdk/client-codebuild";
import { CodeCommitClient, CreateRepositoryCommand, PutFileCommand } from "@aws-sdk/client-codecommit";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineCommand,
  UpdatePipelineCommand,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  chooseOption,
  browserUnavailable,
  openSignedInConsole,
} from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS } from "./codebuild-support.js";

const unavailable = browserUnavailable();

const BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo $DB_HOST\n";

/** The text of what describes a control (Cloudscape links a field's error to its control this way). */
async function descriptionOf(page: Page, control: Locator): Promise<string> {
  const ids = ((await control.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).first().textContent()));
  return texts.join(" ");
}

/**
 * The build project form and the pipeline editor, in the distribution's Chromium: a project
 * created and edited through the form with AWS's validation message at the field it names, a
 * pipeline edited in the form and as JSON, its errors at the field or with their place.
 */
describe.skipIf(unavailable !== undefined)("project and pipeline forms in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let cloneUrl = "";
  beforeAll(async () => {
    server = await startTestServer();
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "release-artifacts" }));
    s3.destroy();
    const cc = new CodeCommitClient(server.clientConfig);
    const created = await cc.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    cloneUrl = created.repositoryMetadata!.cloneUrlHttp!;
    await cc.send(
      new PutFileCommand({
        repositoryName: "app",
        branchName: "main",
        filePath: "buildspec.yml",
        fileContent: Buffer.from(BUILDSPEC),
        commitMessage: "Add the buildspec",
      }),
    );
    cc.destroy();
    const ssm = new SSMClient(server.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: "/app/db-host", Type: "String", Value: "db.internal" }));
    ssm.destroy();
    const cb = new CodeBuildClient(server.clientConfig);
    await cb.send(
      new CreateProjectCommand({
        name: "release-build",
        source: { type: "CODEPIPELINE", buildspec: BUILDSPEC },
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
                  configuration: { RepositoryName: "app", BranchName: "main", PollForSourceChanges: "false" },
                  outputArtifacts: [{ name: "SourceOutput" }],
                },
              ],
            },
            {
              name: "Build",
              actions: [
                {
                  name: "Compile",
                  actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
                  configuration: { ProjectName: "release-build" },
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
    ({ browser, page } = await openSignedInConsole(server.console.signInLink(), pageErrors));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const projectOf = async (name: string) => {
    const cb = new CodeBuildClient(server.clientConfig);
    const { projects } = await cb.send(new BatchGetProjectsCommand({ names: [name] }));
    cb.destroy();
    return projects?.[0];
  };

  it("creates a project from the form, with AWS's message at the field it names", async () => {
    await page.goto(`${server.url}/_/console/codebuild/projects`);
    await page.getByRole("link", { name: "Create build project" }).click();
    await page.getByRole("heading", { name: "Create build project" }).first().waitFor();
    const name = page.getByLabel("Project name");
    await name.fill("app build");
    await page.getByLabel("Description - optional").fill("Builds <the> app");
    await chooseOption(page.getByRole("button", { name: /^Repository/ }), "app");
    await page.getByLabel("Source version - optional").fill("main");
    await page.getByRole("button", { name: "Add environment variable" }).click();
    await page.getByLabel("Name of variable 1").fill("DB_HOST");
    await chooseOption(page.getByRole("button", { name: /^Environment variables Type/ }), "Parameter");
    // The parameter is picked from the suggestions with the keyboard: the first option is "Use" what
    // was typed, the second the parameter that matched. (A click on an option is resolved by its
    // index when the mouse button comes up, which a re-render of the list can shift on a busy machine.)
    const parameter = page.getByRole("combobox", { name: /^Environment variables Value/ });
    await parameter.fill("/app/db");
    await page.getByRole("option", { name: "/app/db-host" }).waitFor();
    await parameter.press("ArrowDown");
    await parameter.press("ArrowDown");
    await parameter.press("Enter");
    expect(await parameter.inputValue()).toBe("/app/db-host");
    await page.getByRole("radio", { name: /Insert build commands/ }).check();
    await page.getByLabel("Build commands", { exact: true }).fill(BUILDSPEC);
    await page.getByLabel("Timeout (minutes)", { exact: true }).fill("30");
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Create build project" }).click();
    await page
      .getByText(/Value at 'name' failed to satisfy constraint/)
      .first()
      .waitFor()
      .catch(async (err: Error) => {
        // Say what the form showed instead, so a failure here can be understood from the log.
        const shown = await page
          .locator("form")
          .first()
          .innerText()
          .catch(() => "(no form)");
        throw new Error(`${err.message}\nThe form showed:\n${shown.slice(0, 3000)}`);
      });
    expect(await descriptionOf(page, name)).toMatch(/Value at 'name' failed to satisfy constraint/);
    expect(await projectOf("app-build")).toBeUndefined();

    await name.fill("app-build");
    await page.getByRole("button", { name: "Create build project" }).click();
    await page.getByRole("heading", { name: "app-build" }).first().waitFor();
    const project = await projectOf("app-build");
    expect(project).toMatchObject({
      name: "app-build",
      description: "Builds <the> app",
      source: { type: "CODECOMMIT", location: cloneUrl, buildspec: BUILDSPEC },
      sourceVersion: "main",
      artifacts: { type: "NO_ARTIFACTS" },
      environment: {
        type: "LINUX_CONTAINER",
        image: "aws/codebuild/standard:7.0",
        computeType: "BUILD_GENERAL1_SMALL",
        privilegedMode: false,
        environmentVariables: [{ name: "DB_HOST", value: "/app/db-host", type: "PARAMETER_STORE" }],
      },
      serviceRole: "arn:aws:iam::000000000000:role/codebuild",
      timeoutInMinutes: 30,
      queuedTimeoutInMinutes: 480,
      logsConfig: { cloudWatchLogs: { status: "ENABLED" } },
    });
    expect(project?.source?.gitCloneDepth).toBeUndefined();
  });

  it("edits a project's description and timeout, keeping what the form does not show", async () => {
    const before = await projectOf("app-build");
    const cb = new CodeBuildClient(server.clientConfig);
    await cb.send(
      new UpdateProjectCommand({ name: "app-build", source: { ...before!.source!, gitCloneDepth: 1 } }),
    );
    cb.destroy();
    await page.goto(`${server.url}/_/console/codebuild/projects/app-build`);
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByRole("heading", { name: "Edit app-build" }).first().waitFor();
    expect(await page.getByLabel("Build commands", { exact: true }).inputValue()).toBe(BUILDSPEC);
    await page.getByLabel("Description - optional").fill("Builds the app, faster");
    const timeout = page.getByLabel("Timeout (minutes)", { exact: true });
    await timeout.fill("1");
    await page.getByRole("button", { name: "Update project" }).click();
    await page
      .getByText(/Value at 'timeoutInMinutes' failed to satisfy constraint/)
      .first()
      .waitFor();
    expect(await descriptionOf(page, timeout)).toMatch(/timeoutInMinutes/);
    await timeout.fill("45");
    await page.getByRole("button", { name: "Update project" }).click();
    await page.getByRole("heading", { name: "app-build" }).first().waitFor();
    const project = await projectOf("app-build");
    expect(project?.description).toBe("Builds the app, faster");
    expect(project?.timeoutInMinutes).toBe(45);
    expect(project?.environment?.environmentVariables).toEqual([
      { name: "DB_HOST", value: "/app/db-host", type: "PARAMETER_STORE" },
    ]);
    expect(project?.source?.buildspec).toBe(BUILDSPEC);
    expect(project?.source?.gitCloneDepth).toBe(1);
  });

  const getPipeline = async () => {
    const cp = new CodePipelineClient(server.clientConfig);
    const out = await cp.send(new GetPipelineCommand({ name: "release" }));
    cp.destroy();
    return out.pipeline!;
  };

  it("edits a pipeline in the form, with the server's message at the field it names", async () => {
    await page.goto(`${server.url}/_/console/codepipeline/pipelines/release`);
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByRole("heading", { name: "Edit release" }).first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    const compile = page.getByRole("group", { name: "Action Compile in stage Build" }).first();
    const runOrder = compile.getByLabel("Run order");
    await runOrder.fill("0");
    await page.getByRole("button", { name: "Save" }).click();
    await page
      .getByText(/runOrder' failed to satisfy constraint/)
      .first()
      .waitFor();
    expect(await descriptionOf(page, runOrder)).toMatch(/stages\.1\.actions\.0\.runOrder/);
    expect((await getPipeline()).version).toBe(1);

    // A second action with the same name: the message names the stage and action.
    await page
      .getByRole("group", { name: "Stage Build" })
      .getByRole("button", { name: "Add action" })
      .click();
    const added = page.getByRole("group", { name: "Action without a name in stage Build" });
    await added.getByLabel("Input artifacts").fill("SourceOutput");
    await added.getByLabel("Action name").fill("Compile");
    await runOrder.fill("2");
    await page.getByRole("button", { name: "Save" }).click();
    await page
      .getByText(/same name/)
      .first()
      .waitFor();
    const second = page.getByRole("group", { name: "Action Compile in stage Build" }).nth(1);
    expect(await descriptionOf(page, second.getByLabel("Action name"))).toMatch(
      /Stage "Build", action "Compile": another action of this stage has the same name/,
    );

    await second.getByRole("button", { name: /Remove action/ }).click();
    await page.getByRole("group", { name: "Stage Build" }).getByLabel("Stage name").fill("Compile-and-test");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("button", { name: "Release change" }).waitFor();
    const pipeline = await getPipeline();
    expect(pipeline.version).toBe(2);
    expect(pipeline.stages?.[1]?.name).toBe("Compile-and-test");
    expect(pipeline.stages?.[1]?.actions?.[0]).toMatchObject({
      name: "Compile",
      runOrder: 2,
      configuration: { ProjectName: "release-build" },
      inputArtifacts: [{ name: "SourceOutput" }],
    });
    expect(pipeline.stages?.[0]?.actions?.[0]?.configuration).toEqual({
      RepositoryName: "app",
      BranchName: "main",
      PollForSourceChanges: "false",
    });
  });

  it("edits a pipeline as JSON: a syntax error with its line and column, AWS's error with its place", async () => {
    await page.goto(`${server.url}/_/console/codepipeline/pipelines/release/edit`);
    await page.getByRole("heading", { name: "Edit release" }).first().waitFor();
    await page.getByRole("tab", { name: "JSON" }).click();
    const textarea = page.getByLabel("Pipeline declaration");
    const text = await textarea.inputValue();
    expect(JSON.parse(text)).toMatchObject({ name: "release", version: 2 });
    expect(await accessibilityViolations(page)).toEqual([]);

    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.includes('"roleArn"'));
    const broken = [...lines];
    broken[at] = broken[at]!.replace(/,$/, "");
    await textarea.fill(broken.join("\n"));
    await page.getByRole("button", { name: "Save" }).click();
    await page
      .getByText(new RegExp(`line ${at + 2}, column \\d+`))
      .first()
      .waitFor();

    const declaration = JSON.parse(text) as { stages: { actions: unknown[] }[] };
    declaration.stages[1]!.actions = [];
    await textarea.fill(JSON.stringify(declaration, null, 2));
    await page.getByRole("button", { name: "Save" }).click();
    await page
      .getByText(/Stage "Compile-and-test": it has no actions/)
      .first()
      .waitFor();
    await page.getByText("At stages[1]:").first().waitFor();
    expect((await getPipeline()).version).toBe(2);

    // Someone else saves meanwhile: the editor says so instead of overwriting it.
    const cp = new CodePipelineClient(server.clientConfig);
    const current = await getPipeline();
    await cp.send(new UpdatePipelineCommand({ pipeline: current }));
    cp.destroy();
    await textarea.fill(text.replace('"Compile-and-test"', '"Build"'));
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("The pipeline changed since you opened it").first().waitFor();
    expect((await getPipeline()).version).toBe(3);
    await page.getByRole("button", { name: "Save anyway" }).click();
    await page.getByRole("button", { name: "Release change" }).waitFor();
    const saved = await getPipeline();
    expect(saved.version).toBe(4);
    expect(saved.stages?.[1]?.name).toBe("Build");
    expect(pageErrors).toEqual([]);
  });

  it("creates a pipeline from JSON, AWS's error shown with the place it names", async () => {
    await page.goto(`${server.url}/_/console/codepipeline/pipelines`);
    await page.getByRole("link", { name: "Create pipeline" }).click();
    await page.getByRole("heading", { name: "Create pipeline" }).first().waitFor();
    const textarea = page.getByLabel("Pipeline declaration");
    const declaration = JSON.parse(await textarea.inputValue()) as {
      name: string;
      artifactStore: { location: string };
      stages: { actions: { configuration: Record<string, string>; runOrder?: number }[] }[];
    };
    expect(await accessibilityViolations(page)).toEqual([]);
    declaration.name = "from-json";
    declaration.artifactStore.location = "release-artifacts";
    declaration.stages[0]!.actions[0]!.configuration = { RepositoryName: "app", BranchName: "main" };
    declaration.stages[1]!.actions[0]!.configuration = { ProjectName: "release-build" };
    declaration.stages[1]!.actions[0]!.runOrder = 0;
    await textarea.fill(JSON.stringify(declaration, null, 2));
    await page.getByRole("button", { name: "Create pipeline" }).click();
    await page.getByText("At stages[1].actions[0].runOrder:").first().waitFor();

    declaration.stages[1]!.actions[0]!.runOrder = 1;
    await textarea.fill(JSON.stringify(declaration, null, 2));
    await page.getByRole("button", { name: "Create pipeline" }).click();
    await page.getByRole("button", { name: "Release change" }).waitFor();
    const cp = new CodePipelineClient(server.clientConfig);
    const { pipeline } = await cp.send(new GetPipelineCommand({ name: "from-json" }));
    cp.destroy();
    expect(pipeline?.version).toBe(1);
    expect(pipeline?.stages?.map((s) => s.name)).toEqual(["Source", "Build"]);
    expect(pageErrors).toEqual([]);
  });
});
