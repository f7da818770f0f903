export { createCodeBuild, type BuildOutcome, type CodeBuild, type ServiceBuildRequest } from "./service.js";
export type { CodeBuildDeps } from "./deps.js";
export { BUILD_JOB_KIND, QUEUED_TIMEOUT_JOB_KIND } from "./deps.js";
export type { RunBuild } from "./build-handler.js";
export { renderBadge } from "./badges.js";
export { RunnerApiError } from "./errors.js";
export { findBuildLogRef, type BuildLogRef } from "./build-log-ref.js";
export type { PipelineArtifact, PipelineBuildInput } from "./pipeline-build.js";
