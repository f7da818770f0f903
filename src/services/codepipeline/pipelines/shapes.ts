import { z } from "zod";
import { awsEnum, awsInt, awsList, awsString } from "../../kit/index.js";

// The wire shapes of pipeline declarations (botocore `codepipeline` 2015-07-09): types, lengths,
// patterns and enums only. The rules AWS applies between fields — what a stage or action may hold,
// which artifacts exist where — are checked in structure.ts, with messages that name the stage and
// action. Members the model does not know are dropped, so they are never stored.

/** A string matching `pattern` in full, with AWS's constraint message. */
export function patterned(min: number, max: number, pattern: string) {
  return awsString(min, max).regex(
    new RegExp(`^(?:${pattern})$`),
    `Member must satisfy regular expression pattern: ${pattern}`,
  );
}

/**
 * A JSON object used as a map (`ActionConfigurationMap`, `ArtifactStoreMap`). Read key by key into
 * an object without a prototype, so keys such as `__proto__` or `constructor` stay ordinary keys
 * (later refused as unknown, by name) instead of changing the object they are read into.
 */
function awsMap<V extends z.ZodType>(key: z.ZodString, value: V) {
  return z.unknown().transform((raw, ctx): Record<string, z.output<V>> => {
    const out = Object.create(null) as Record<string, z.output<V>>;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      ctx.addIssue({ code: "custom", message: "Member must be a map" });
      return out;
    }
    for (const name of Object.keys(raw)) {
      const k = key.safeParse(name);
      if (!k.success) {
        ctx.addIssue({ code: "custom", message: k.error.issues[0]!.message, path: [name] });
        continue;
      }
      const v = value.safeParse((raw as Record<string, unknown>)[name]);
      if (!v.success) {
        for (const issue of v.error.issues)
          ctx.addIssue({ code: "custom", message: issue.message, path: [name, ...issue.path] });
        continue;
      }
      out[name] = v.data;
    }
    return out;
  });
}

export const PIPELINE_NAME_PATTERN = "[A-Za-z0-9.@\\-_]+";
const ROLE_ARN_PATTERN = "arn:aws(-[\\w]+)*:iam::[0-9]{12}:role/.*";
const ARTIFACT_NAME_PATTERN = "[a-zA-Z0-9_\\-]+";

export const PipelineName = patterned(1, 100, PIPELINE_NAME_PATTERN);
const RoleArn = patterned(0, 1024, ROLE_ARN_PATTERN);
const RegionName = awsString(4, 30);
const Version = patterned(1, 9, "[0-9A-Za-z_-]+");

const ArtifactStore = z.object({
  type: awsEnum(["S3"]),
  location: patterned(3, 63, "[a-zA-Z0-9\\-\\.]+"),
  encryptionKey: z.object({ id: awsString(1, 400), type: awsEnum(["KMS"]) }).optional(),
});

export const ActionTypeId = z.object({
  category: awsEnum(["Source", "Build", "Deploy", "Test", "Invoke", "Approval", "Compute"]),
  owner: awsEnum(["AWS", "ThirdParty", "Custom"]),
  provider: patterned(1, 35, "[0-9A-Za-z_-]+"),
  version: Version,
});

const InputArtifact = z.object({ name: patterned(1, 100, ARTIFACT_NAME_PATTERN) });
const OutputArtifact = z.object({
  name: patterned(1, 100, ARTIFACT_NAME_PATTERN),
  files: awsList(awsString(1, 128), 1, 10).optional(),
});

const EnvironmentVariable = z.object({
  name: patterned(1, 128, "[A-Za-z0-9_]+"),
  value: awsString(1, 2000),
  type: awsEnum(["PLAINTEXT", "SECRETS_MANAGER"]).optional(),
});

const ActionDeclaration = z.object({
  name: patterned(1, 100, PIPELINE_NAME_PATTERN),
  actionTypeId: ActionTypeId,
  runOrder: awsInt(1, 999).optional(),
  configuration: awsMap(awsString(1, 50), awsString(1, 1000)).optional(),
  // At most 50, as AWS's model says: checked with the action's name (pipelines/compute-checks.ts).
  commands: awsList(awsString(1, 1000), 1).optional(),
  outputArtifacts: z.array(OutputArtifact).optional(),
  inputArtifacts: z.array(InputArtifact).optional(),
  outputVariables: awsList(awsString(1, 128), 1, 15).optional(),
  roleArn: RoleArn.optional(),
  region: RegionName.optional(),
  namespace: patterned(1, 100, "[A-Za-z0-9@\\-_]+").optional(),
  timeoutInMinutes: awsInt(5, 86400).optional(),
  environmentVariables: awsList(EnvironmentVariable, 1, 10).optional(),
});

const Result = awsEnum(["ROLLBACK", "FAIL", "RETRY", "SKIP"]);

const RuleDeclaration = z.object({
  name: patterned(1, 100, PIPELINE_NAME_PATTERN),
  ruleTypeId: z.object({
    category: awsEnum(["Rule"]),
    owner: awsEnum(["AWS"]).optional(),
    provider: patterned(1, 35, "[0-9A-Za-z_-]+"),
    version: Version.optional(),
  }),
  configuration: awsMap(awsString(1, 50), awsString(1, 10000)).optional(),
  commands: awsList(awsString(1, 1000), 1, 50).optional(),
  inputArtifacts: z.array(InputArtifact).optional(),
  roleArn: RoleArn.optional(),
  region: RegionName.optional(),
  timeoutInMinutes: awsInt(5, 86400).optional(),
});

const Condition = z.object({
  result: Result.optional(),
  rules: awsList(RuleDeclaration, 1, 5).optional(),
});
const Conditions = awsList(Condition, 1, 1);

const StageDeclaration = z.object({
  name: patterned(1, 100, PIPELINE_NAME_PATTERN),
  blockers: z.array(z.object({ name: awsString(1, 100), type: awsEnum(["Schedule"]) })).optional(),
  actions: z.array(ActionDeclaration),
  onFailure: z
    .object({
      result: Result.optional(),
      retryConfiguration: z
        .object({ retryMode: awsEnum(["FAILED_ACTIONS", "ALL_ACTIONS"]).optional() })
        .optional(),
      conditions: Conditions.optional(),
    })
    .optional(),
  onSuccess: z.object({ conditions: Conditions }).optional(),
  beforeEntry: z.object({ conditions: Conditions }).optional(),
});

const PatternList = (pattern: z.ZodString) => awsList(pattern, 1, 8);
const Criteria = (item: z.ZodString) =>
  z.object({ includes: PatternList(item).optional(), excludes: PatternList(item).optional() });

const TriggerDeclaration = z.object({
  providerType: awsEnum(["CodeStarSourceConnection"]),
  gitConfiguration: z.object({
    sourceActionName: patterned(1, 100, PIPELINE_NAME_PATTERN),
    push: awsList(
      z.object({
        tags: Criteria(awsString(1, 255)).optional(),
        branches: Criteria(awsString(1, 255)).optional(),
        filePaths: Criteria(awsString(1, 255)).optional(),
      }),
      1,
      3,
    ).optional(),
    pullRequest: awsList(
      z.object({
        events: awsList(awsEnum(["OPEN", "UPDATED", "CLOSED"]), 1, 3).optional(),
        branches: Criteria(awsString(1, 255)).optional(),
        filePaths: Criteria(awsString(1, 255)).optional(),
      }),
      1,
      3,
    ).optional(),
  }),
});

const VariableDeclaration = z.object({
  name: patterned(1, 128, "[A-Za-z0-9@\\-_]+"),
  defaultValue: awsString(1, 1000).optional(),
  description: awsString(0, 200).optional(),
});

/** `PipelineDeclaration` as a request carries it. */
export const PipelineDeclarationShape = z.object({
  name: PipelineName,
  roleArn: RoleArn,
  artifactStore: ArtifactStore.optional(),
  artifactStores: awsMap(RegionName, ArtifactStore).optional(),
  stages: z.array(StageDeclaration),
  version: z.number().int().min(1, "Member must have value greater than or equal to 1").optional(),
  executionMode: awsEnum(["QUEUED", "SUPERSEDED", "PARALLEL"]).optional(),
  pipelineType: awsEnum(["V1", "V2"]).optional(),
  variables: awsList(VariableDeclaration, 0, 50).optional(),
  triggers: awsList(TriggerDeclaration, 0, 50).optional(),
});

export type PipelineDeclarationInput = z.output<typeof PipelineDeclarationShape>;
export type StageInput = PipelineDeclarationInput["stages"][number];
export type ActionInput = StageInput["actions"][number];
export type ConditionInput = z.output<typeof Condition>;
export type TriggerInput = NonNullable<PipelineDeclarationInput["triggers"]>[number];

/** A tag as the API carries it. */
export const TagShape = z.object({ key: awsString(1, 128), value: awsString(0, 256) });
export type Tag = z.output<typeof TagShape>;
