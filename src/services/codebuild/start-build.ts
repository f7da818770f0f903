import { z } from "zod";
import { newUuid } from "../../core/index.js";
import type { EnvironmentVariable } from "../../runner/api.js";
import { awsEnum, awsInt, awsString, operation, type OperationContext } from "../kit/index.js";
import { artifactKey, artifactLocation } from "./artifact-keys.js";
import { logStreamArn } from "../logs/index.js";
import { buildArn, projectArn } from "./arns.js";
import { buildOutput, type BuildDoc, type BuildRow } from "./build-rows.js";
import type { CodeBuildRuntime } from "./deps.js";
import { codebuildError, projectNotFound } from "./errors.js";
import { pipelineBuildParts, type PipelineBuildInput } from "./pipeline-build.js";
import { artifactDefaults, type ProjectSpec } from "./project-spec.js";
import { findProject } from "./projects.js";
import { queueBuild, recentBuild } from "./queue-build.js";
import {
  COMPUTE_TYPES,
  ENVIRONMENT_TYPES,
  EnvironmentVariable as EnvironmentVariableShape,
  LogsConfig,
  ProjectArtifacts,
  ProjectCache,
  ProjectSource,
  SOURCE_TYPES,
} from "./shapes.js";

export const StartBuildInput = z.looseObject({
  projectName: awsString(1),
  secondarySourcesOverride: z.array(ProjectSource).optional(),
  sourceVersion: z.string().optional(),
  artifactsOverride: ProjectArtifacts.optional(),
  secondaryArtifactsOverride: z.array(ProjectArtifacts).optional(),
  environmentVariablesOverride: z.array(EnvironmentVariableShape).optional(),
  sourceTypeOverride: awsEnum(SOURCE_TYPES).optional(),
  sourceLocationOverride: z.string().optional(),
  buildspecOverride: z.string().optional(),
  environmentTypeOverride: awsEnum(ENVIRONMENT_TYPES).optional(),
  imageOverride: awsString(1).optional(),
  computeTypeOverride: awsEnum(COMPUTE_TYPES).optional(),
  cacheOverride: ProjectCache.optional(),
  serviceRoleOverride: awsString(1).optional(),
  privilegedModeOverride: z.boolean().optional(),
  timeoutInMinutesOverride: awsInt(5, 2160).optional(),
  queuedTimeoutInMinutesOverride: awsInt(5, 480).optional(),
  encryptionKeyOverride: awsString(1).optional(),
  idempotencyToken: z.string().optional(),
  logsConfigOverride: LogsConfig.optional(),
});
export type StartBuildInput = z.output<typeof StartBuildInput>;

/** StartBuild: records the build (SUBMITTED, then QUEUED) and enqueues its job in one transaction. */
export function startBuild(rt: CodeBuildRuntime) {
  return operation({
    name: "StartBuild",
    input: StartBuildInput,
    resource: (input, ctx) => projectArn(ctx, input.projectName),
    handler: async (input, ctx) => ({ build: buildOutput(await submitBuild(rt, ctx, input)) }),
  });
}

/** Starts a build of `input.projectName` in the caller's transaction; RetryBuild uses it too. */
export async function submitBuild(
  rt: CodeBuildRuntime,
  ctx: OperationContext,
  input: StartBuildInput,
  pipeline?: PipelineBuildInput,
): Promise<BuildRow> {
  const project = await findProject(ctx.trx, ctx, input.projectName);
  if (!project) throw projectNotFound(input.projectName);
  const now = rt.clock.now();
  if (input.idempotencyToken) {
    const earlier = await recentBuild(ctx, input.idempotencyToken, now);
    if (earlier) return earlier;
  }
  const spec = JSON.parse(project.spec) as ProjectSpec;
  if (
    spec.source.type === "CODEPIPELINE" &&
    !pipeline &&
    (input.sourceTypeOverride ?? "CODEPIPELINE") === "CODEPIPELINE"
  ) {
    // A CODEPIPELINE project's source is a pipeline run's input artifacts: only a pipeline has them.
    throw codebuildError(
      "InvalidInputException",
      `Project ${project.name} has source type CODEPIPELINE: it is built by a pipeline's build action, or with sourceTypeOverride and sourceLocationOverride`,
    );
  }
  if (spec.concurrentBuildLimit !== undefined) {
    // Documented in "Builds in AWS CodeBuild": past the project's limit, StartBuild fails.
    const { n } = await ctx.trx
      .selectFrom("codebuild_builds")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", ctx.accountId)
      .where("region", "=", ctx.region)
      .where("project_name", "=", project.name)
      .where("state", "!=", "done")
      .executeTakeFirstOrThrow();
    if (Number(n) >= spec.concurrentBuildLimit) {
      throw codebuildError(
        "AccountLimitExceededException",
        `Build limit exceeded for project ${project.name}: its concurrentBuildLimit is ${spec.concurrentBuildLimit} and ${Number(n)} builds are running or queued`,
      );
    }
  }
  const { build_counter: buildNumber } = await ctx.trx
    .updateTable("codebuild_projects")
    .set((eb) => ({ build_counter: eb("build_counter", "+", 1) }))
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .where("name", "=", project.name)
    .returning("build_counter")
    .executeTakeFirstOrThrow();
  const uuid = newUuid();
  const id = `${project.name}:${uuid}`;
  const doc = composeDoc(rt, ctx, spec, project.arn, input, id, uuid, now, pipeline);
  return queueBuild(rt, ctx, {
    id,
    projectName: project.name,
    buildNumber,
    idempotencyToken: input.idempotencyToken,
    doc,
    now,
  });
}

function composeDoc(
  rt: CodeBuildRuntime,
  ctx: OperationContext,
  spec: ProjectSpec,
  projectArn: string,
  input: StartBuildInput,
  id: string,
  uuid: string,
  now: number,
  pipeline?: PipelineBuildInput,
): BuildDoc {
  const fromPipeline = pipeline ? pipelineBuildParts(spec.source, pipeline) : undefined;
  const source = fromPipeline?.source ?? {
    ...spec.source,
    ...(input.sourceTypeOverride ? { type: input.sourceTypeOverride } : {}),
    ...(input.sourceLocationOverride ? { location: input.sourceLocationOverride } : {}),
    ...(input.buildspecOverride !== undefined ? { buildspec: input.buildspecOverride } : {}),
  };
  // Precedence, as "Environment variables in build environments" documents: StartBuild's override
  // beats the project's definition of the same name.
  const vars = new Map<string, EnvironmentVariable>();
  for (const v of [...spec.environment.environmentVariables, ...(input.environmentVariablesOverride ?? [])]) {
    vars.set(v.name, { name: v.name, value: v.value, type: v.type ?? "PLAINTEXT" });
  }
  const artifactsTarget = artifactDefaults(
    fromPipeline?.artifactsTarget ?? input.artifactsOverride ?? spec.artifacts,
    spec.name,
  );
  const logsConfig = input.logsConfigOverride ?? spec.logsConfig;
  const groupName = logsConfig.cloudWatchLogs?.groupName ?? `/aws/codebuild/${spec.name}`;
  const streamName = logsConfig.cloudWatchLogs?.streamName
    ? `${logsConfig.cloudWatchLogs.streamName}/${uuid}`
    : uuid;
  const sourceVersion = fromPipeline?.sourceVersion ?? input.sourceVersion ?? spec.sourceVersion;
  return {
    arn: buildArn(ctx, id),
    projectArn,
    ...(sourceVersion ? { sourceVersion } : {}),
    phases: [
      {
        phaseType: "SUBMITTED",
        phaseStatus: "SUCCEEDED",
        startTime: now,
        endTime: now,
        durationInSeconds: 0,
        contexts: [],
      },
      { phaseType: "QUEUED", startTime: now, contexts: [] },
    ],
    source,
    secondarySources:
      fromPipeline?.secondarySources ?? input.secondarySourcesOverride ?? spec.secondarySources,
    secondarySourceVersions: spec.secondarySourceVersions,
    artifactsTarget,
    secondaryArtifactsTargets:
      fromPipeline?.secondaryArtifactsTargets ?? input.secondaryArtifactsOverride ?? spec.secondaryArtifacts,
    artifacts:
      artifactsTarget.type === "S3" && artifactsTarget.location
        ? { location: artifactLocation(artifactsTarget.location, artifactKey(artifactsTarget, uuid)) }
        : {},
    secondaryArtifacts: [],
    cache: input.cacheOverride ?? spec.cache,
    environment: {
      ...spec.environment,
      ...(input.environmentTypeOverride ? { type: input.environmentTypeOverride } : {}),
      ...(input.imageOverride ? { image: input.imageOverride } : {}),
      ...(input.computeTypeOverride ? { computeType: input.computeTypeOverride } : {}),
      ...(input.privilegedModeOverride !== undefined ? { privilegedMode: input.privilegedModeOverride } : {}),
      environmentVariables: [...vars.values()],
    },
    serviceRole: input.serviceRoleOverride ?? spec.serviceRole,
    logs: {
      groupName,
      streamName,
      deepLink: `${rt.publicUrl()}/_/codebuild/logs/${encodeURIComponent(id)}`,
      cloudWatchLogsArn: logStreamArn(ctx.region, ctx.accountId, groupName, streamName),
      ...logsConfig,
    },
    timeoutInMinutes: input.timeoutInMinutesOverride ?? spec.timeoutInMinutes,
    queuedTimeoutInMinutes: input.queuedTimeoutInMinutesOverride ?? spec.queuedTimeoutInMinutes,
    ...(spec.vpcConfig ? { vpcConfig: spec.vpcConfig } : {}),
    // AWS reports an IAM user by name and the root user by its ARN.
    initiator: ctx.principal.isRoot ? ctx.principal.arn : ctx.principal.userName,
    encryptionKey: input.encryptionKeyOverride ?? spec.encryptionKey,
    exportedEnvironmentVariables: [],
    reportArns: [],
    request: { ...input, idempotencyToken: undefined },
    jobId: 0,
  };
}
