import { describe, expect, it } from "vitest";
import { isServiceError } from "../../../core/index.js";
import { actionTypeName, BUILT_IN_ACTION_TYPES } from "../action-types/catalogue.js";
import { PipelineDeclarationShape } from "./shapes.js";
import { checkPipelineStructure, type CheckedPipeline } from "./structure.js";
import { scanReferences } from "./variables.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const ctx = {
  region: "us-east-1",
  actionTypes: new Map(BUILT_IN_ACTION_TYPES.map((t) => [actionTypeName(t.id), t])),
  known: BUILT_IN_ACTION_TYPES,
};

const source = (over: Json = {}): Json => ({
  name: "Source",
  actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
  configuration: { RepositoryName: "app", BranchName: "main" },
  outputArtifacts: [{ name: "SourceOutput" }],
  namespace: "SourceVariables",
  ...over,
});

const build = (over: Json = {}): Json => ({
  name: "Compile",
  actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
  configuration: { ProjectName: "app-build" },
  inputArtifacts: [{ name: "SourceOutput" }],
  outputArtifacts: [{ name: "BuildOutput" }],
  ...over,
});

const deploy = (over: Json = {}): Json => ({
  name: "ToBucket",
  actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
  configuration: { BucketName: "site", Extract: "true" },
  inputArtifacts: [{ name: "BuildOutput" }],
  ...over,
});

function pipeline(over: Json = {}): Json {
  return {
    name: "app",
    roleArn: "arn:aws:iam::000000000000:role/pipeline",
    artifactStore: { type: "S3", location: "artifacts" },
    stages: [
      { name: "Source", actions: [source()] },
      { name: "Build", actions: [build()] },
      { name: "Deploy", actions: [deploy()] },
    ],
    ...over,
  };
}

function check(declaration: Json): CheckedPipeline {
  return checkPipelineStructure(PipelineDeclarationShape.parse(declaration), ctx);
}

function failure(declaration: Json): { code: string; message: string } {
  try {
    check(declaration);
  } catch (err) {
    if (isServiceError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected the declaration to be refused");
}

function expectRefused(declaration: Json, code: string, ...fragments: string[]): void {
  const { code: got, message } = failure(declaration);
  expect(got, message).toBe(code);
  for (const fragment of fragments) expect(message).toContain(fragment);
}

/** `pipeline()` with stage `i` replaced. */
function withStage(i: number, stage: Json, over: Json = {}): Json {
  const p = pipeline(over);
  p.stages[i] = stage;
  return p;
}

describe("pipeline structure: a valid pipeline", () => {
  it("passes, with defaults filled in", () => {
    const checked = check(pipeline());
    expect(checked.pipelineType).toBe("V1");
    expect(checked.executionMode).toBe("SUPERSEDED");
    expect(checked.artifactBuckets).toEqual([{ region: "us-east-1", bucket: "artifacts" }]);
    const action = checked.declaration.stages[1]!.actions[0]!;
    expect(action.runOrder).toBe(1);
    expect(checked.declaration.stages[0]!.actions[0]!.inputArtifacts).toEqual([]);
  });

  it("infers V2 from V2 features when no type is given", () => {
    const checked = check(pipeline({ variables: [{ name: "env", defaultValue: "dev" }] }));
    expect(checked.pipelineType).toBe("V2");
  });

  it("keeps the current type and mode on update when the declaration leaves them out", () => {
    const current = { pipelineType: "V2", executionMode: "QUEUED" };
    const updated = checkPipelineStructure(PipelineDeclarationShape.parse(pipeline()), { ...ctx, current });
    expect(updated).toMatchObject({ pipelineType: "V2", executionMode: "QUEUED" });
    const toV1 = checkPipelineStructure(PipelineDeclarationShape.parse(pipeline({ pipelineType: "V1" })), {
      ...ctx,
      current,
    });
    expect(toV1).toMatchObject({ pipelineType: "V1", executionMode: "SUPERSEDED" });
  });

  it("lets later actions of a stage read earlier ones' artifacts and variables", () => {
    const p = pipeline();
    p.stages[1].actions.push(
      build({
        name: "Test",
        actionTypeId: { category: "Test", owner: "AWS", provider: "CodeBuild", version: "1" },
        runOrder: 2,
        inputArtifacts: [{ name: "BuildOutput" }, { name: "SourceOutput" }],
        outputArtifacts: [],
        configuration: {
          ProjectName: "tests-#{SourceVariables.BranchName}",
          PrimarySource: "SourceOutput",
          EnvironmentVariables: '[{"name":"ID","value":"#{codepipeline.PipelineExecutionId}"}]',
        },
      }),
    );
    expect(() => check(p)).not.toThrow();
  });
});

describe("pipeline structure: stages", () => {
  it("needs an artifact store, and only one kind", () => {
    expectRefused(pipeline({ artifactStore: undefined }), "InvalidStructureException", "artifactStore");
    expectRefused(
      pipeline({ artifactStores: { "us-east-1": { type: "S3", location: "bucket-1" } } }),
      "InvalidStructureException",
      "both artifactStore and artifactStores",
    );
    expectRefused(
      pipeline({
        artifactStore: undefined,
        artifactStores: { "eu-west-1": { type: "S3", location: "bucket-1" } },
      }),
      "InvalidStructureException",
      "us-east-1",
    );
  });

  it("needs artifactStores for cross-region actions, with a bucket for each region", () => {
    const crossRegion = withStage(2, { name: "Deploy", actions: [deploy({ region: "eu-west-1" })] });
    expectRefused(
      crossRegion,
      "InvalidActionDeclarationException",
      'Stage "Deploy", action "ToBucket"',
      "artifactStores",
    );
    const stores = { "us-east-1": { type: "S3", location: "bucket-1" } };
    expectRefused(
      { ...crossRegion, artifactStore: undefined, artifactStores: stores },
      "InvalidActionDeclarationException",
      "eu-west-1",
      "no bucket",
    );
    const both = { ...stores, "eu-west-1": { type: "S3", location: "bucket-2" } };
    expect(check({ ...crossRegion, artifactStore: undefined, artifactStores: both }).artifactBuckets).toEqual(
      [
        { region: "us-east-1", bucket: "bucket-1" },
        { region: "eu-west-1", bucket: "bucket-2" },
      ],
    );
    expectRefused(
      withStage(
        0,
        { name: "Source", actions: [source({ region: "eu-west-1" })] },
        { artifactStore: undefined, artifactStores: both },
      ),
      "InvalidActionDeclarationException",
      "cannot run in another region",
    );
  });

  it("needs at least two stages and at most 50", () => {
    expectRefused(
      pipeline({ stages: [{ name: "Source", actions: [source()] }] }),
      "InvalidStructureException",
      "at least 2",
    );
    const many = pipeline();
    for (let i = 0; i < 998; i++) many.stages.push({ name: `S${i}`, actions: [deploy({ name: `D${i}` })] });
    expectRefused(many, "InvalidStructureException", "at most 50 stages", "1001");
  });

  it("refuses duplicate stage names, naming the stage", () => {
    expectRefused(
      withStage(2, { name: "Build", actions: [deploy()] }),
      "InvalidStageDeclarationException",
      'Stage "Build"',
      "unique",
    );
  });

  it("refuses an empty stage and one of more than 50 actions", () => {
    expectRefused(
      withStage(2, { name: "Deploy", actions: [] }),
      "InvalidStageDeclarationException",
      'Stage "Deploy"',
    );
    const actions = Array.from({ length: 51 }, (_, i) => deploy({ name: `D${i}` }));
    expectRefused(
      withStage(2, { name: "Deploy", actions }),
      "InvalidStageDeclarationException",
      "at most 50",
    );
  });

  it("refuses blockers", () => {
    expectRefused(
      withStage(2, { name: "Deploy", actions: [deploy()], blockers: [{ name: "b", type: "Schedule" }] }),
      "InvalidBlockerDeclarationException",
      'Stage "Deploy"',
    );
  });

  it("keeps Source actions in the first stage only, and only them there", () => {
    expectRefused(
      withStage(0, { name: "Source", actions: [source(), build({ name: "Early" })] }),
      "InvalidActionDeclarationException",
      'Stage "Source", action "Early"',
      "only Source actions",
    );
    expectRefused(
      withStage(2, {
        name: "Deploy",
        actions: [deploy(), source({ name: "Late", outputArtifacts: [{ name: "X" }], namespace: undefined })],
      }),
      "InvalidActionDeclarationException",
      'Stage "Deploy", action "Late"',
      'only the first stage ("Source")',
    );
  });

  it("refuses duplicate action names within a stage but not across stages", () => {
    expectRefused(
      withStage(2, { name: "Deploy", actions: [deploy(), deploy()] }),
      "InvalidActionDeclarationException",
      'Stage "Deploy", action "ToBucket"',
      "unique within a stage",
    );
    expect(() =>
      check(withStage(2, { name: "Deploy", actions: [deploy({ name: "Compile" })] })),
    ).not.toThrow();
  });
});

describe("pipeline structure: action types", () => {
  it("names the providers that exist for an unknown provider", () => {
    expectRefused(
      withStage(1, {
        name: "Build",
        actions: [
          build({ actionTypeId: { category: "Build", owner: "AWS", provider: "Jenkins", version: "1" } }),
        ],
      }),
      "InvalidActionDeclarationException",
      'Stage "Build", action "Compile"',
      "Jenkins",
      "AWS/CodeBuild",
    );
  });

  it("says which category a provider belongs to", () => {
    expectRefused(
      withStage(1, {
        name: "Build",
        actions: [build({ actionTypeId: { category: "Build", owner: "AWS", provider: "S3", version: "1" } })],
      }),
      "InvalidActionDeclarationException",
      "Source, Deploy provider, not Build",
    );
  });

  it("refuses an unknown version", () => {
    expectRefused(
      withStage(1, {
        name: "Build",
        actions: [
          build({ actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "2" } }),
        ],
      }),
      "InvalidActionDeclarationException",
      'version "2"',
      "use version 1",
    );
  });

  it("refuses the Commands action on a V1 pipeline and needs its commands", () => {
    const commands = {
      name: "Run",
      actionTypeId: { category: "Compute", owner: "AWS", provider: "Commands", version: "1" },
      inputArtifacts: [{ name: "BuildOutput" }],
      commands: ["make test"],
    };
    expectRefused(
      withStage(2, { name: "Deploy", actions: [commands] }, { pipelineType: "V1" }),
      "ValidationException",
      "V1",
      "Commands",
    );
    expect(check(withStage(2, { name: "Deploy", actions: [commands] })).pipelineType).toBe("V2");
    expectRefused(
      withStage(
        2,
        { name: "Deploy", actions: [{ ...commands, commands: undefined }] },
        { pipelineType: "V2" },
      ),
      "InvalidActionDeclarationException",
      'action "Run"',
      "needs commands",
    );
  });

  it("keeps compute-only and approval-only fields where they belong", () => {
    expectRefused(
      withStage(1, { name: "Build", actions: [build({ commands: ["ls"] })] }),
      "InvalidActionDeclarationException",
      'action "Compile"',
      "commands is only for compute actions",
    );
    expectRefused(
      withStage(1, { name: "Build", actions: [build({ timeoutInMinutes: 60 })] }),
      "InvalidActionDeclarationException",
      "timeoutInMinutes",
    );
  });

  it("checks runOrder's range", () => {
    expect(() => check(withStage(1, { name: "Build", actions: [build({ runOrder: 0 })] }))).toThrow(
      /runOrder/,
    );
    expect(() => check(withStage(1, { name: "Build", actions: [build({ runOrder: 1000 })] }))).toThrow(
      /runOrder/,
    );
  });
});

describe("pipeline structure: artifacts", () => {
  it("refuses an input nobody made, listing what exists before", () => {
    expectRefused(
      withStage(1, { name: "Build", actions: [build({ inputArtifacts: [{ name: "Nope" }] })] }),
      "InvalidActionDeclarationException",
      'Stage "Build", action "Compile": input artifact "Nope" is not produced by any earlier action; artifacts produced before it: SourceOutput.',
    );
  });

  it("refuses an input made later, or beside it", () => {
    const p = pipeline();
    p.stages[1].actions = [
      build(),
      build({ name: "Pack", inputArtifacts: [{ name: "BuildOutput" }], outputArtifacts: [] }),
    ];
    expectRefused(p, "InvalidActionDeclarationException", 'action "Pack"', "same time");
    p.stages[1].actions[0].runOrder = 3;
    p.stages[1].actions[1].runOrder = 2;
    expectRefused(p, "InvalidActionDeclarationException", 'action "Pack"', "runs after it");
    const later = pipeline();
    later.stages[1].actions[0].inputArtifacts = [{ name: "SourceOutput" }, { name: "Late" }];
    later.stages[1].actions[0].configuration.PrimarySource = "SourceOutput";
    later.stages[2].actions.push(
      build({
        name: "MakeLate",
        inputArtifacts: [{ name: "SourceOutput" }],
        outputArtifacts: [{ name: "Late" }],
      }),
    );
    expectRefused(
      later,
      "InvalidActionDeclarationException",
      'action "Compile"',
      'stage "Deploy"',
      "later stage",
    );
  });

  it("refuses a cycle between two actions", () => {
    const p = pipeline();
    p.stages[1].actions = [
      build({ name: "A", inputArtifacts: [{ name: "FromB" }], outputArtifacts: [{ name: "FromA" }] }),
      build({ name: "B", inputArtifacts: [{ name: "FromA" }], outputArtifacts: [{ name: "FromB" }] }),
    ];
    p.stages[2].actions[0].inputArtifacts = [{ name: "FromA" }];
    expectRefused(p, "InvalidActionDeclarationException", 'action "A"', '"FromB"');
  });

  it("refuses an output name used twice in the pipeline", () => {
    const p = pipeline();
    p.stages[2].actions.push(build({ name: "Again" }));
    expectRefused(
      p,
      "InvalidActionDeclarationException",
      'Stage "Deploy", action "Again"',
      '"BuildOutput"',
      'action "Compile"',
    );
  });

  it("holds each provider to its artifact counts", () => {
    expectRefused(
      withStage(0, { name: "Source", actions: [source({ outputArtifacts: [] })] }),
      "InvalidActionDeclarationException",
      "0 output artifacts",
      "exactly 1",
    );
    expectRefused(
      withStage(1, { name: "Build", actions: [build({ inputArtifacts: [] })] }),
      "InvalidActionDeclarationException",
      "1 to 5",
    );
    expectRefused(
      withStage(2, {
        name: "Deploy",
        actions: [deploy({ inputArtifacts: [{ name: "BuildOutput" }, { name: "SourceOutput" }] })],
      }),
      "InvalidActionDeclarationException",
      'action "ToBucket"',
      "exactly 1",
    );
    const approval = {
      name: "Approve",
      actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
      inputArtifacts: [{ name: "BuildOutput" }],
    };
    expectRefused(
      withStage(2, { name: "Deploy", actions: [approval] }),
      "InvalidActionDeclarationException",
      'action "Approve"',
      "exactly 0",
    );
  });

  it("refuses artifact names outside the model's pattern", () => {
    expect(() =>
      check(withStage(1, { name: "Build", actions: [build({ outputArtifacts: [{ name: "../x" }] })] })),
    ).toThrow(/pattern/);
  });
});

describe("pipeline structure: configuration", () => {
  it("needs required keys and refuses unknown ones, naming what is allowed", () => {
    expectRefused(
      withStage(1, { name: "Build", actions: [build({ configuration: {} })] }),
      "InvalidActionDeclarationException",
      'action "Compile"',
      "ProjectName is required",
    );
    expectRefused(
      withStage(1, { name: "Build", actions: [build({ configuration: { ProjectName: "p", Projct: "x" } })] }),
      "InvalidActionDeclarationException",
      '"Projct"',
      "ProjectName, PrimarySource",
    );
  });

  it("treats __proto__ and constructor as unknown keys, polluting nothing", () => {
    const body = JSON.parse(
      JSON.stringify(pipeline()).replace(
        '"ProjectName":"app-build"',
        '"ProjectName":"app-build","__proto__":"x"',
      ),
    );
    expectRefused(body, "InvalidActionDeclarationException", '"__proto__"');
    const objectValue = JSON.parse(
      JSON.stringify(pipeline()).replace(
        '"ProjectName":"app-build"',
        '"ProjectName":"app-build","__proto__":{"polluted":"yes"}',
      ),
    );
    expect(PipelineDeclarationShape.safeParse(objectValue).success).toBe(false);
    expectRefused(
      withStage(1, {
        name: "Build",
        actions: [build({ configuration: { ProjectName: "p", constructor: "x" } })],
      }),
      "InvalidActionDeclarationException",
      '"constructor"',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("checks provider values", () => {
    expectRefused(
      withStage(0, {
        name: "Source",
        actions: [
          source({ configuration: { RepositoryName: "a", BranchName: "b", OutputArtifactFormat: "TAR" } }),
        ],
      }),
      "InvalidActionDeclarationException",
      "CODE_ZIP or CODEBUILD_CLONE_REF",
    );
    expectRefused(
      withStage(0, {
        name: "Source",
        actions: [
          source({ configuration: { RepositoryName: "a", BranchName: "b", PollForSourceChanges: "yes" } }),
        ],
      }),
      "InvalidActionDeclarationException",
      "PollForSourceChanges",
      "true or false",
    );
    expectRefused(
      withStage(2, {
        name: "Deploy",
        actions: [deploy({ configuration: { BucketName: "b", Extract: "false" } })],
      }),
      "InvalidActionDeclarationException",
      'action "ToBucket"',
      "ObjectKey",
    );
    expect(() =>
      check(
        withStage(2, {
          name: "Deploy",
          actions: [deploy({ configuration: { BucketName: "b", Extract: "false", ObjectKey: "site.zip" } })],
        }),
      ),
    ).not.toThrow();
    expectRefused(
      withStage(1, {
        name: "Build",
        actions: [build({ configuration: { ProjectName: "p", EnvironmentVariables: "{not json" } })],
      }),
      "InvalidActionDeclarationException",
      "EnvironmentVariables",
    );
  });

  it("needs PrimarySource with several inputs, naming one of them", () => {
    const p = pipeline();
    p.stages[0].actions.push(
      source({ name: "Other", outputArtifacts: [{ name: "OtherOut" }], namespace: undefined }),
    );
    p.stages[1].actions[0].inputArtifacts = [{ name: "SourceOutput" }, { name: "OtherOut" }];
    expectRefused(p, "InvalidActionDeclarationException", "PrimarySource", "SourceOutput, OtherOut");
    p.stages[1].actions[0].configuration.PrimarySource = "Elsewhere";
    expectRefused(p, "InvalidActionDeclarationException", '"Elsewhere"');
  });

  it("refuses configuration values over the model's 1,000 characters", () => {
    expect(() =>
      check(
        withStage(1, {
          name: "Build",
          actions: [build({ configuration: { ProjectName: "p".repeat(5000) } })],
        }),
      ),
    ).toThrow(/1000/);
  });
});

describe("pipeline structure: namespaces and variables", () => {
  it("refuses a namespace used twice", () => {
    const p = pipeline();
    p.stages[1].actions[0].namespace = "SourceVariables";
    expectRefused(p, "InvalidActionDeclarationException", 'action "Compile"', '"SourceVariables"', "unique");
  });

  it("refuses references to unknown, later or malformed namespaces", () => {
    const ref = (value: string) =>
      withStage(1, { name: "Build", actions: [build({ configuration: { ProjectName: value } })] });
    expectRefused(
      ref("#{Nope.X}"),
      "InvalidActionDeclarationException",
      'action "Compile"',
      "#{Nope.X}",
      "SourceVariables",
    );
    expectRefused(ref("p-#{"), "InvalidActionDeclarationException", "not closed");
    expectRefused(ref("#{a.b.c}"), "InvalidActionDeclarationException", "#{a.b.c}", "Namespace.VariableName");
    expectRefused(ref("#{}"), "InvalidActionDeclarationException", "#{}");
    expectRefused(ref("#{codepipeline.Other}"), "InvalidActionDeclarationException", "PipelineExecutionId");
    expectRefused(ref("#{variables.env}"), "InvalidActionDeclarationException", "only V2 pipelines");
    const p = pipeline();
    p.stages[2].actions[0].namespace = "DeployVars";
    p.stages[1].actions[0].configuration.ProjectName = "#{DeployVars.Id}";
    expectRefused(
      p,
      "InvalidActionDeclarationException",
      'stage "Deploy", action "ToBucket"',
      "does not run before",
    );
  });

  it("resolves declared pipeline variables in V2", () => {
    const p = pipeline({ pipelineType: "V2", variables: [{ name: "env" }] });
    p.stages[1].actions[0].configuration.ProjectName = "app-#{variables.env}";
    expect(() => check(p)).not.toThrow();
    p.stages[1].actions[0].configuration.ProjectName = "app-#{variables.stage}";
    expectRefused(p, "InvalidActionDeclarationException", "#{variables.stage}", "declares env");
    expectRefused(
      pipeline({ pipelineType: "V2", variables: [{ name: "env" }, { name: "env" }] }),
      "InvalidStructureException",
      '"env" is declared twice',
    );
  });

  it("reads references in linear time whatever the value", () => {
    const start = Date.now();
    expect(scanReferences("#{".repeat(500_000)).ok).toBe(false);
    expect(scanReferences("#{a.b}".repeat(100_000))).toMatchObject({ ok: true });
    expect(Date.now() - start).toBeLessThan(2000);
  });
});

describe("pipeline structure: V2 features", () => {
  const trigger = (over: Json = {}) => ({
    providerType: "CodeStarSourceConnection",
    gitConfiguration: { sourceActionName: "Source", push: [{ branches: { includes: ["main"] } }], ...over },
  });

  it("refuses V2 features on a declared V1 pipeline, naming them", () => {
    expectRefused(
      pipeline({ pipelineType: "V1", triggers: [trigger()] }),
      "ValidationException",
      "triggers",
      "V2",
    );
    expectRefused(
      pipeline({ pipelineType: "V1", executionMode: "QUEUED" }),
      "ValidationException",
      "executionMode QUEUED",
    );
    expectRefused(
      withStage(
        2,
        { name: "Deploy", actions: [deploy()], onFailure: { result: "RETRY" } },
        { pipelineType: "V1" },
      ),
      "ValidationException",
      'stage "Deploy" onFailure',
    );
    expect(check(pipeline({ pipelineType: "V1", executionMode: "SUPERSEDED" })).executionMode).toBe(
      "SUPERSEDED",
    );
  });

  it("checks triggers' source actions and filters", () => {
    expect(check(pipeline({ triggers: [trigger()] })).pipelineType).toBe("V2");
    expectRefused(
      pipeline({ triggers: [trigger({ sourceActionName: "Compile" })] }),
      "InvalidStructureException",
      '"Compile"',
      'first stage ("Source")',
    );
    expectRefused(
      pipeline({ triggers: [trigger(), trigger()] }),
      "InvalidStructureException",
      "two triggers",
    );
    expectRefused(
      pipeline({
        triggers: [trigger({ push: [{ tags: { includes: ["v*"] }, branches: { includes: ["main"] } }] })],
      }),
      "InvalidStructureException",
      "push filter 1",
      "not both",
    );
    expectRefused(
      pipeline({ triggers: [trigger({ push: [{ filePaths: { includes: ["src/**"] } }] })] }),
      "InvalidStructureException",
      "tags or branches",
    );
    const s3Source = source({
      actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
      configuration: { S3Bucket: "b", S3ObjectKey: "k.zip" },
    });
    expectRefused(
      withStage(0, { name: "Source", actions: [s3Source] }, { triggers: [trigger()] }),
      "InvalidStructureException",
      "S3 source action",
    );
    expect(() => check(pipeline({ triggers: Array.from({ length: 51 }, () => trigger()) }))).toThrow(/50/);
  });

  it("checks stage onFailure and conditions", () => {
    const stage = (extra: Json) => withStage(2, { name: "Deploy", actions: [deploy()], ...extra });
    expect(() => check(stage({ onFailure: { result: "ROLLBACK" } }))).not.toThrow();
    expect(() =>
      check(stage({ onFailure: { result: "RETRY", retryConfiguration: { retryMode: "FAILED_ACTIONS" } } })),
    ).not.toThrow();
    expectRefused(
      stage({ onFailure: { result: "SKIP" } }),
      "InvalidStageDeclarationException",
      'Stage "Deploy"',
      "SKIP",
    );
    expectRefused(
      stage({ onFailure: { result: "FAIL", retryConfiguration: { retryMode: "ALL_ACTIONS" } } }),
      "InvalidStageDeclarationException",
      "needs result RETRY",
    );
    expectRefused(
      withStage(0, { name: "Source", actions: [source()], onFailure: { result: "ROLLBACK" } }),
      "InvalidStageDeclarationException",
      'Stage "Source"',
      "first (source) stage",
    );
    const rule = {
      name: "Window",
      ruleTypeId: { category: "Rule", owner: "AWS", provider: "DeploymentWindow", version: "1" },
    };
    expect(() =>
      check(stage({ beforeEntry: { conditions: [{ result: "FAIL", rules: [rule] }] } })),
    ).not.toThrow();
    expectRefused(
      stage({ beforeEntry: { conditions: [{ result: "ROLLBACK", rules: [rule] }] } }),
      "InvalidStageDeclarationException",
      "beforeEntry",
      "FAIL or SKIP",
    );
    expectRefused(
      stage({
        beforeEntry: {
          conditions: [
            {
              result: "SKIP",
              rules: [{ ...rule, ruleTypeId: { ...rule.ruleTypeId, provider: "DeploymentWindow" } }],
            },
          ],
        },
      }),
      "InvalidStageDeclarationException",
      "cannot be used with result SKIP",
    );
    expectRefused(
      stage({
        onSuccess: {
          conditions: [{ rules: [{ ...rule, ruleTypeId: { ...rule.ruleTypeId, provider: "Coin" } }] }],
        },
      }),
      "InvalidStageDeclarationException",
      "Coin",
    );
    const commandsRule = (commands?: string[]) =>
      stage({
        beforeEntry: {
          conditions: [
            {
              rules: [
                {
                  name: "Tests",
                  ruleTypeId: { ...rule.ruleTypeId, provider: "Commands" },
                  ...(commands ? { commands } : {}),
                },
              ],
            },
          ],
        },
      });
    expect(() => check(commandsRule(["npm test"]))).not.toThrow();
    expectRefused(commandsRule(), "InvalidStageDeclarationException", 'rule "Tests"', "needs commands");
    expectRefused(
      commandsRule(["npm test", "echo a\nrm -rf /"]),
      "InvalidStageDeclarationException",
      'beforeEntry condition, rule "Tests"',
      "command 2 spans several lines",
    );
  });
});
