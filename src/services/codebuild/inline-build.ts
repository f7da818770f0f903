import { newUuid } from "../../core/index.js";
import { logStreamArn } from "../logs/index.js";
import type { OperationContext } from "../kit/index.js";
import { artifactKey, artifactLocation } from "./artifact-keys.js";
import { buildArn, defaultEncryptionKey, projectArn } from "./arns.js";
import type { BuildDoc, BuildRow } from "./build-rows.js";
import type { CodeBuildRuntime } from "./deps.js";
import { codebuildError } from "./errors.js";
import { inlineBuildspec, type InlineSpec } from "./inline-buildspec.js";
import { pipelineBuildParts, type PipelineArtifact } from "./pipeline-build.js";
import { artifactDefaults } from "./project-spec.js";
import { queueBuild, recentBuild } from "./queue-build.js";
import type { EnvironmentVariableInput } from "./shapes.js";

/**
 * A build without a project: what CodePipeline's Commands action runs, as AWS runs it ("CodePipeline
 * managed CodeBuild compute"). The buildspec is made from the action's commands, the sources are
 * its input artifacts and the artifact its output artifact.
 */
export interface InlineBuildRequest extends InlineSpec {
  accountId: string;
  region: string;
  pipelineName: string;
  /** `codepipeline/<pipeline>`, shown as the build's initiator. */
  initiator: string;
  /** The action execution's id: the same token within five minutes returns the same build. */
  idempotencyToken: string;
  /** Input artifacts; the first is the primary source, the others `CODEBUILD_SRC_DIR_<name>`. */
  inputs: PipelineArtifact[];
  /** Where the build's artifact (`artifactFiles`) goes; none without one. */
  output?: PipelineArtifact | undefined;
  environmentVariables: EnvironmentVariableInput[];
  /** The build image to report (the sandbox runs the host's tools); default {@link INLINE_IMAGE}. */
  image?: string | undefined;
  /** The compute type to report; default `BUILD_GENERAL1_SMALL`. */
  computeType?: string | undefined;
}

/** The image a Commands action's build reports when the action names none (AWS's default). */
export const INLINE_IMAGE = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";
/** AWS documents 55 minutes as the Commands action's build timeout. */
const INLINE_TIMEOUT_MINUTES = 55;

/**
 * The name that stands for the project of a pipeline's inline builds: `codepipeline.<pipeline>`.
 * A project name cannot hold a `.`, so no project anyone creates can have it (ListProjects never
 * shows it, ListBuildsForProject never lists these builds) and build ids stay `<name>:<uuid>`.
 */
export function inlineProjectName(pipelineName: string): string {
  return `codepipeline.${pipelineName}`;
}

/** Starts an inline build in the caller's transaction (or returns the one its token started). */
export async function submitInlineBuild(
  rt: CodeBuildRuntime,
  ctx: OperationContext,
  request: InlineBuildRequest,
): Promise<BuildRow> {
  const now = rt.clock.now();
  const earlier = await recentBuild(ctx, request.idempotencyToken, now);
  if (earlier) return earlier;
  const buildspec = inlineBuildspec(request);
  if (request.artifactFiles && !request.output) {
    throw codebuildError("InvalidInputException", "an inline build with artifact files needs an output");
  }
  const name = inlineProjectName(request.pipelineName);
  const { n } = await ctx.trx
    .selectFrom("codebuild_builds")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .where("project_name", "=", name)
    .executeTakeFirstOrThrow();
  const uuid = newUuid();
  const id = `${name}:${uuid}`;
  return queueBuild(rt, ctx, {
    id,
    projectName: name,
    buildNumber: Number(n) + 1,
    idempotencyToken: request.idempotencyToken,
    doc: inlineDoc(rt, ctx, request, { id, uuid, name, buildspec, now }),
    now,
  });
}

function inlineDoc(
  rt: CodeBuildRuntime,
  ctx: OperationContext,
  request: InlineBuildRequest,
  build: { id: string; uuid: string; name: string; buildspec: string; now: number },
): BuildDoc {
  const parts = pipelineBuildParts(
    { type: "CODEPIPELINE", buildspec: build.buildspec },
    {
      pipelineName: request.pipelineName,
      inputs: request.inputs,
      outputs: request.output ? [request.output] : [],
    },
  );
  const artifactsTarget = artifactDefaults(parts.artifactsTarget, build.name);
  // AWS writes a Commands action's log to a group named after the pipeline.
  const groupName = `/aws/codepipeline/${request.pipelineName}`;
  return {
    arn: buildArn(ctx, build.id),
    projectArn: projectArn(ctx, build.name),
    sourceVersion: parts.sourceVersion,
    phases: [
      {
        phaseType: "SUBMITTED",
        phaseStatus: "SUCCEEDED",
        startTime: build.now,
        endTime: build.now,
        durationInSeconds: 0,
        contexts: [],
      },
      { phaseType: "QUEUED", startTime: build.now, contexts: [] },
    ],
    source: parts.source,
    secondarySources: parts.secondarySources,
    secondarySourceVersions: [],
    artifactsTarget,
    secondaryArtifactsTargets: [],
    artifacts:
      artifactsTarget.type === "S3" && artifactsTarget.location
        ? { location: artifactLocation(artifactsTarget.location, artifactKey(artifactsTarget, build.uuid)) }
        : {},
    secondaryArtifacts: [],
    cache: { type: "NO_CACHE" },
    environment: {
      type: "LINUX_CONTAINER",
      image: request.image ?? INLINE_IMAGE,
      computeType: (request.computeType ?? "BUILD_GENERAL1_SMALL") as BuildDoc["environment"]["computeType"],
      privilegedMode: false,
      imagePullCredentialsType: "CODEBUILD",
      environmentVariables: request.environmentVariables.map((v) => ({
        name: v.name,
        value: v.value,
        type: v.type ?? "PLAINTEXT",
      })),
    },
    serviceRole: "",
    logs: {
      groupName,
      streamName: build.uuid,
      deepLink: `${rt.publicUrl()}/_/codebuild/logs/${encodeURIComponent(build.id)}`,
      cloudWatchLogsArn: logStreamArn(ctx.region, ctx.accountId, groupName, build.uuid),
      cloudWatchLogs: { status: "ENABLED" },
      s3Logs: { status: "DISABLED", encryptionDisabled: false },
    },
    timeoutInMinutes: INLINE_TIMEOUT_MINUTES,
    queuedTimeoutInMinutes: 480,
    initiator: request.initiator,
    encryptionKey: defaultEncryptionKey(ctx),
    exportedEnvironmentVariables: [],
    reportArns: [],
    request: { projectName: build.name },
    inline: { pipelineName: request.pipelineName },
    jobId: 0,
  };
}
