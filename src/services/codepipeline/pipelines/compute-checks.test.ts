import { describe, expect, it } from "vitest";
import { isServiceError } from "../../../core/index.js";
import { actionTypeName, BUILT_IN_ACTION_TYPES } from "../action-types/catalogue.js";
import { PipelineDeclarationShape } from "./shapes.js";
import { checkPipelineStructure } from "./structure.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const ctx = {
  region: "us-east-1",
  actionTypes: new Map(BUILT_IN_ACTION_TYPES.map((t) => [actionTypeName(t.id), t])),
  known: BUILT_IN_ACTION_TYPES,
};

/** A V2 pipeline: S3 source, then a Commands action `Run` in stage `Test` with `over`. */
function pipeline(over: Json = {}): Json {
  return {
    name: "app",
    pipelineType: "V2",
    variables: [{ name: "Stage", defaultValue: "prod" }],
    roleArn: "arn:aws:iam::000000000000:role/pipeline",
    artifactStore: { type: "S3", location: "artifacts" },
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Fetch",
            actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
            configuration: { S3Bucket: "in", S3ObjectKey: "app.zip", PollForSourceChanges: "false" },
            outputArtifacts: [{ name: "SourceOutput" }],
          },
        ],
      },
      {
        name: "Test",
        actions: [
          {
            name: "Run",
            actionTypeId: { category: "Compute", owner: "AWS", provider: "Commands", version: "1" },
            inputArtifacts: [{ name: "SourceOutput" }],
            commands: ["make test"],
            ...over,
          },
        ],
      },
    ],
  };
}

/** The error the declaration is refused with (shape or structure). */
function refusal(declaration: Json): { code: string; message: string } {
  try {
    checkPipelineStructure(PipelineDeclarationShape.parse(declaration), ctx);
  } catch (e) {
    if (isServiceError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("the declaration was accepted");
}

describe("a Commands action's fields", () => {
  it("accepts commands, output variables, environment variables, files and AWS's configuration", () => {
    const checked = checkPipelineStructure(
      PipelineDeclarationShape.parse(
        pipeline({
          commands: Array.from({ length: 50 }, (_, i) => `echo ${i}`),
          outputVariables: ["VERSION", "_built_at"],
          environmentVariables: [
            { name: "STAGE", value: "#{variables.Stage}" },
            {
              name: "TOKEN",
              value: "arn:aws:secretsmanager:us-east-1:000000000000:secret:t",
              type: "SECRETS_MANAGER",
            },
          ],
          outputArtifacts: [{ name: "Built", files: ["dist/**/*", "VERSION"] }],
          configuration: { ComputeType: "BUILD_GENERAL1_MEDIUM", Image: "aws/codebuild/standard:7.0" },
        }),
      ),
      ctx,
    );
    expect(checked.declaration.stages[1]!.actions[0]!.commands).toHaveLength(50);
  });

  it.each<[string, Json, string, string]>([
    [
      "a command of several lines",
      { commands: ["ls", "for f in *; do\n  echo $f\ndone"] },
      "InvalidActionDeclarationException",
      "command 2 spans several lines",
    ],
    [
      "more than 50 commands",
      { commands: Array.from({ length: 51 }, (_, i) => `echo ${i}`) },
      "ValidationException",
      "it has 51 commands; a Commands action runs 1 to 50",
    ],
    ["a blank command", { commands: ["   "] }, "InvalidActionDeclarationException", "command 1 is blank"],
    [
      "an output variable that is not a variable name",
      { outputVariables: ["1ST"] },
      "InvalidActionDeclarationException",
      'output variable "1ST" is not an environment variable name',
    ],
    [
      "an output variable listed twice",
      { outputVariables: ["A", "A"] },
      "InvalidActionDeclarationException",
      "output variable A is listed twice",
    ],
    [
      "files outside the source directory",
      { outputArtifacts: [{ name: "Built", files: ["../../etc/*"] }] },
      "InvalidActionDeclarationException",
      'output artifact "Built" files "../../etc/*" must be a path relative',
    ],
    [
      "a compute type CodeBuild does not have",
      { configuration: { ComputeType: "HUGE" } },
      "InvalidActionDeclarationException",
      'ComputeType "HUGE" is not a CodeBuild compute type',
    ],
  ])("refuses %s, naming the stage and action", (_, over, code, fragment) => {
    const { code: got, message } = refusal(pipeline(over));
    expect(got, message).toBe(code);
    expect(message).toContain('Stage "Test", action "Run"');
    expect(message).toContain(fragment);
  });
});
