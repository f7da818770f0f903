import { describe, expect, it } from "vitest";
import { parseAppSpec, parseBuildspec } from "../formats/index.js";
import { REQUIRED_FILES, renderTemplateFile, TEMPLATES } from "./catalog.js";
import { loadTemplateFiles } from "./load.js";
import { planProject, ProjectPlanError, projectNameProblem } from "./plan.js";

const decode = (base64: string) => Buffer.from(base64, "base64").toString("utf8");

describe("project templates", () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))(
    "%s has its files, a buildspec and an appspec that parse, and executable hook scripts",
    (id, template) => {
      const files = loadTemplateFiles(id);
      for (const required of REQUIRED_FILES) expect(Object.keys(files)).toContain(required);
      const buildspec = parseBuildspec(renderTemplateFile(files["buildspec.yml"]!, "demo", template));
      expect(buildspec).toMatchObject({ ok: true, warnings: [] });
      const appspec = parseAppSpec(renderTemplateFile(files["appspec.yml"]!, "demo", template));
      const hooks = Object.values(appspec.hooks ?? {})
        .flat()
        .map((h) => h.location);
      expect(hooks).toEqual(["scripts/stop.sh", "scripts/start.sh", "scripts/validate.sh"]);
      for (const hook of hooks) expect(files[hook]).toMatch(/^#!\/bin\/sh\n/);
      // Every file is committed; the rendered ones carry the project's name.
      const plan = planProject({ template: id, name: "demo" }, files);
      const commit = plan.steps.find((s) => s.target.endsWith(".CreateCommit"))!;
      const put = commit.input.putFiles as Array<{ filePath: string; fileMode: string; fileContent: string }>;
      expect(put.map((f) => f.filePath).sort()).toEqual(Object.keys(files).sort());
      for (const file of put) {
        expect(file.fileMode).toBe(file.filePath.endsWith(".sh") ? "EXECUTABLE" : "NORMAL");
        expect(decode(file.fileContent)).not.toContain("{{");
      }
      expect(decode(put.find((f) => f.filePath === "README.md")!.fileContent)).toContain(
        `# demo\n\nCreated from Pipewright's "${template.title}" template.`,
      );
    },
  );
});

describe("planProject", () => {
  const files = loadTemplateFiles("node-service");

  it("creates repository, commit, bucket, build, application, group and pipeline, in that order", () => {
    const plan = planProject(
      { template: "node-service", name: "hello", port: 8123, endpoint: "http://127.0.0.1:4280" },
      files,
    );
    expect(plan.steps.map((s) => s.target)).toEqual([
      "CodeCommit_20150413.CreateRepository",
      "CodeCommit_20150413.CreateCommit",
      "S3.CreateBucket",
      "CodeBuild_20161006.CreateProject",
      "CodeDeploy_20141006.CreateApplication",
      "CodeDeploy_20141006.CreateDeploymentGroup",
      "CodePipeline_20150709.CreatePipeline",
      "CodePipeline_20150709.DisableStageTransition",
    ]);
    expect(String(plan.steps.at(-1)!.input.reason)).toMatch(/^[a-zA-Z0-9!@ ().*?-]{1,300}$/);
    expect(plan.enableDeploy.input).toEqual({
      pipelineName: "hello",
      stageName: "Deploy",
      transitionType: "Inbound",
    });
    const pipeline = plan.steps.at(-2)!.input.pipeline as {
      artifactStore: { location: string };
      stages: Array<{ name: string }>;
    };
    expect(pipeline.artifactStore.location).toBe("pipewright-hello-artifacts");
    expect(pipeline.stages.map((s) => s.name)).toEqual(["Source", "Build", "Deploy"]);
    expect(plan.steps[5]!.input).toMatchObject({
      onPremisesInstanceTagFilters: [{ Key: "pipewright:project", Value: "hello", Type: "KEY_AND_VALUE" }],
    });
    expect(plan.agentCommand).toBe(
      "APP_PORT=8123 pipewright agent --endpoint http://127.0.0.1:4280 --name hello-1 " +
        "--root /tmp/pipewright-agents/hello-1 --tags pipewright:project=hello,pipewright:app=127.0.0.1:8123",
    );
    expect(plan.appUrl).toBe("http://127.0.0.1:8123/");
  });

  it("adds a Manual approval stage before Deploy when asked", () => {
    const plan = planProject({ template: "node-service", name: "hello", approval: true }, files);
    const { stages } = plan.steps.at(-2)!.input.pipeline as {
      stages: Array<{ name: string; actions: Array<{ actionTypeId: { provider: string } }> }>;
    };
    expect(stages.map((s) => s.name)).toEqual(["Source", "Build", "Approval", "Deploy"]);
    expect(stages[2]!.actions[0]!.actionTypeId.provider).toBe("Manual");
    expect(plan.port).toBe(8080);
  });

  it.each([
    ["../x", /lowercase letters, digits and hyphens/],
    ["a b", /lowercase letters, digits and hyphens/],
    ["Hello", /no capitals/],
    ["under_score", /lowercase letters, digits and hyphens/],
    ["-x", /starting and ending with a letter or digit/],
    ["x", /this one has 1/],
    ["a".repeat(200), /this one has 200/],
    ["", /this one has 0/],
  ])("refuses the name %j, naming the rule", (name, rule) => {
    expect(projectNameProblem(name)).toMatch(rule);
    expect(() => planProject({ template: "node-service", name }, files)).toThrow(ProjectPlanError);
  });

  it("takes the longest name whose bucket name S3 still accepts", () => {
    const plan = planProject({ template: "node-service", name: "a".repeat(40) }, files);
    expect(plan.bucket.length).toBeLessThanOrEqual(63);
  });

  it("refuses an unknown template and a port that cannot be used", () => {
    expect(() => planProject({ template: "php", name: "hello" }, files)).toThrow(
      /No template "php"; choose one of static-site, node-service, python-service/,
    );
    expect(() => planProject({ template: "node-service", name: "hello", port: 80 }, files)).toThrow(
      /from 1024 to 65535/,
    );
  });
});
