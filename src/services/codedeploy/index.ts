export { createCodeDeploy } from "./service.js";
export type { CodeDeployDeps, RevisionBuckets } from "./deps.js";
