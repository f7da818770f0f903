import path from "node:path";
import type { ProjectArtifacts, ProjectSource } from "./shapes.js";
import { s3ObjectArn } from "./arns.js";

/** An artifact of a pipeline run: a zip in the pipeline's artifact store (a bucket of the S3 API). */
export interface PipelineArtifact {
  /** The artifact's name in the pipeline, e.g. `SourceOutput`. */
  name: string;
  bucket: string;
  key: string;
}

/** What CodePipeline's build action hands CodeBuild. */
export interface PipelineBuildInput {
  pipelineName: string;
  /** Input artifacts; the first (or `primarySource`) is the primary source. */
  inputs: PipelineArtifact[];
  /** Output artifacts; the first is the build's primary artifact, the rest secondary ones. */
  outputs: PipelineArtifact[];
  /** The input artifact that is the primary source, when there are several. */
  primarySource?: string;
}

/** The parts of a build a pipeline decides, in place of the project's own source and artifacts. */
export interface PipelineBuildParts {
  source: ProjectSource;
  secondarySources: ProjectSource[];
  sourceVersion: string;
  artifactsTarget: ProjectArtifacts;
  secondaryArtifactsTargets: ProjectArtifacts[];
}

/**
 * A CODEPIPELINE project's source and artifacts for one pipeline run, as CodeBuild's user guide
 * describes the pipeline integration: the primary input artifact is the source (its `buildspec`
 * still the project's), the others are secondary sources named by artifact name
 * (`CODEBUILD_SRC_DIR_<name>`); `CODEBUILD_SOURCE_VERSION` is the primary input's S3 ARN; the
 * first output artifact receives the build's artifacts as a zip and the others its
 * `secondary-artifacts` by identifier.
 */
export function pipelineBuildParts(project: ProjectSource, input: PipelineBuildInput): PipelineBuildParts {
  const primary = input.inputs.find((a) => a.name === input.primarySource) ?? input.inputs[0];
  if (!primary) throw new Error("a pipeline build needs at least one input artifact");
  const zipTarget = (a: PipelineArtifact, identifier?: string): ProjectArtifacts => ({
    type: "S3",
    location: a.bucket,
    path: path.posix.dirname(a.key) === "." ? "" : path.posix.dirname(a.key),
    name: path.posix.basename(a.key),
    namespaceType: "NONE",
    packaging: "ZIP",
    overrideArtifactName: false,
    ...(identifier !== undefined ? { artifactIdentifier: identifier } : {}),
  });
  const [first, ...rest] = input.outputs;
  return {
    source: {
      type: "CODEPIPELINE",
      location: `${primary.bucket}/${primary.key}`,
      ...(project.buildspec !== undefined ? { buildspec: project.buildspec } : {}),
    },
    secondarySources: input.inputs
      .filter((a) => a !== primary)
      .map((a) => ({ type: "CODEPIPELINE", location: `${a.bucket}/${a.key}`, sourceIdentifier: a.name })),
    sourceVersion: s3ObjectArn(primary.bucket, primary.key),
    artifactsTarget: first ? zipTarget(first) : { type: "NO_ARTIFACTS" },
    secondaryArtifactsTargets: rest.map((a) => zipTarget(a, a.name)),
  };
}
