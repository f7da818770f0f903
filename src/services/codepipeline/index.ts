export { createCodePipeline } from "./service.js";
export type { ArtifactBuckets, CodePipelineDeps } from "./deps.js";
