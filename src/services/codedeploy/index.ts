export { createCodeDeploy, type CodeDeploy } from "./service.js";
export type { DeploymentOutcome, DeploymentRequest, DeploymentStarter } from "./deployments/pipeline.js";
export type { CodeDeployDeps, RevisionBuckets } from "./deps.js";
export type {
  AlarmChecks,
  AlarmReading,
  DeploymentTimeouts,
  TrafficControl,
  TrafficTarget,
} from "./deployments/runtime.js";
export type { AlarmCheck } from "./deployments/alarm-names.js";
export { DEPLOYMENT_EVENT, INSTANCE_EVENT } from "./deployments/events.js";
