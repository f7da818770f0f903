// Layout of this service. One folder per AWS resource — applications/, revisions/, configs/
// (deployment configurations), groups/ (deployment groups), instances/ (on-premises instances),
// tags/ (tags of applications and groups, by ARN) — each with CodePipeline's file names (see
// services/codepipeline/service.ts):
//   operations.ts   the resource's AWS operations, one `export function <awsName>(rt)` each
//   rows.ts         reads and writes of its table; lookups that throw its not-found exception
//                   (`requireApplication`, `requireDeploymentGroup`) — what deployments read through
//   checks.ts       AWS's rules between members, with AWS's exceptions
//   shapes.ts       the wire shapes (zod)
// Top level: service.ts (this: every operation is registered here, by name; deployments/ adds its
// own below), index.ts, deps.ts, errors.ts, names.ts (the name rules every resource shares),
// pagination.ts, scope.ts, shapes.ts (tags and tag filters).

import { createLogger, systemClock } from "../../core/index.js";
import { jsonService, type JobDeclaration, type JsonService, type ServiceModule } from "../kit/index.js";
import {
  getDeploymentSpecification,
  pollHostCommand,
  postHostCommandUpdate,
  putHostCommandAcknowledgement,
  putHostCommandComplete,
} from "./commands/operations.js";
import { createAlarmHandler } from "./deployments/alarms.js";
import { createCommandTimeoutHandler, createTrafficHandler } from "./deployments/jobs.js";
import {
  batchGetDeployments,
  continueDeployment,
  createDeployment,
  getDeployment,
  listDeployments,
  stopDeployment,
} from "./deployments/operations.js";
import {
  batchGetDeploymentInstances,
  batchGetDeploymentTargets,
  getDeploymentInstance,
  getDeploymentTarget,
  listDeploymentInstances,
  listDeploymentTargets,
} from "./deployments/operations-targets.js";
import { createBlueGreenWaitHandler } from "./deployments/blue-green.js";
import { createDeploymentStarter, type DeploymentStarter } from "./deployments/pipeline.js";
import { createRollbackHandler } from "./deployments/rollback.js";
import { restoreTraffic } from "./deployments/traffic-restore.js";
import {
  ALARM_JOB,
  BLUE_GREEN_WAIT_JOB,
  COMMAND_TIMEOUT_JOB,
  createHostWaiters,
  DEFAULT_DEPLOYMENT_TIMEOUTS,
  ROLLBACK_JOB,
  TRAFFIC_JOB,
  type DeploymentRuntime,
} from "./deployments/runtime.js";
import {
  batchGetApplications,
  createApplication,
  deleteApplication,
  getApplication,
  listApplications,
  updateApplication,
} from "./applications/operations.js";
import {
  createDeploymentConfig,
  deleteDeploymentConfig,
  getDeploymentConfig,
  listDeploymentConfigs,
} from "./configs/operations.js";
import type { CodeDeployDeps, CodeDeployRuntime } from "./deps.js";
import {
  batchGetDeploymentGroups,
  createDeploymentGroup,
  deleteDeploymentGroup,
  getDeploymentGroup,
  listDeploymentGroups,
  updateDeploymentGroup,
} from "./groups/operations.js";
import {
  addTagsToOnPremisesInstances,
  batchGetOnPremisesInstances,
  deregisterOnPremisesInstance,
  getOnPremisesInstance,
  listOnPremisesInstances,
  registerOnPremisesInstance,
  removeTagsFromOnPremisesInstances,
} from "./instances/operations.js";
import {
  batchGetApplicationRevisions,
  getApplicationRevision,
  listApplicationRevisions,
  registerApplicationRevision,
} from "./revisions/operations.js";
import { listTagsForResource, tagResource, untagResource } from "./tags/operations.js";

/** The module, and deployments for other services (pipelines) when it runs them. */
export interface CodeDeploy extends ServiceModule {
  deployments?: DeploymentStarter;
}

/**
 * CodeDeploy as a module: its control plane — applications, their revisions, deployment
 * configurations, deployment groups and on-premises instances. Deployments and the agents' commands
 * API join this table of operations.
 */
export function createCodeDeploy(deps: CodeDeployDeps): CodeDeploy {
  const rt: CodeDeployRuntime = {
    store: deps.store,
    clock: deps.clock ?? systemClock,
    ...(deps.revisionBuckets ? { revisionBuckets: deps.revisionBuckets } : {}),
  };
  const engine = deploymentEngine(deps, rt.clock);
  const api = jsonService({
    targetPrefix: "CodeDeploy_20141006",
    signingName: "codedeploy",
    actionPrefix: "codedeploy",
    validationErrorCode: "ValidationException",
    operations: [
      // applications
      createApplication(rt),
      getApplication(),
      batchGetApplications(),
      listApplications(),
      updateApplication(),
      deleteApplication(),
      // revisions
      registerApplicationRevision(rt),
      getApplicationRevision(),
      batchGetApplicationRevisions(),
      listApplicationRevisions(),
      // deployment configurations
      createDeploymentConfig(rt),
      getDeploymentConfig(),
      listDeploymentConfigs(),
      deleteDeploymentConfig(),
      // deployment groups
      createDeploymentGroup(rt),
      getDeploymentGroup(),
      batchGetDeploymentGroups(),
      listDeploymentGroups(),
      updateDeploymentGroup(),
      deleteDeploymentGroup(),
      // on-premises instances
      registerOnPremisesInstance(rt),
      deregisterOnPremisesInstance(rt),
      addTagsToOnPremisesInstances(),
      removeTagsFromOnPremisesInstances(),
      listOnPremisesInstances(),
      batchGetOnPremisesInstances(),
      getOnPremisesInstance(),
      // tags
      tagResource(),
      untagResource(),
      listTagsForResource(),
      ...(engine ? deploymentOperations(engine.rt, engine.revisions) : []),
    ],
  });
  return {
    name: "codedeploy",
    json: engine ? [api, commandService(engine.rt)] : api,
    ...(engine
      ? {
          jobs: deploymentJobs(engine.rt),
          deployments: createDeploymentStarter(engine.rt),
          // Balancers come back with the instances that were taking traffic.
          recover: () => restoreTraffic(engine.rt),
        }
      : {}),
  };
}

function deploymentEngine(deps: CodeDeployDeps, clock: DeploymentRuntime["clock"]) {
  const d = deps.deployments;
  if (!d) return undefined;
  const rt: DeploymentRuntime = {
    store: deps.store,
    queue: d.queue,
    bus: d.bus,
    clock,
    logger: d.logger ?? createLogger({ level: "silent" }),
    hosts: createHostWaiters(),
    ...(d.traffic ? { traffic: d.traffic } : {}),
    ...(d.alarms ? { alarms: d.alarms } : {}),
    timeouts: { ...DEFAULT_DEPLOYMENT_TIMEOUTS, ...d.timeouts },
  };
  return { rt, revisions: d.revisions };
}

function deploymentOperations(
  rt: DeploymentRuntime,
  revisions: NonNullable<CodeDeployDeps["deployments"]>["revisions"],
) {
  return [
    createDeployment(rt, revisions),
    getDeployment(rt),
    batchGetDeployments(rt),
    listDeployments(rt),
    stopDeployment(rt),
    continueDeployment(rt),
    listDeploymentTargets(),
    batchGetDeploymentTargets(),
    getDeploymentTarget(),
    listDeploymentInstances(),
    batchGetDeploymentInstances(),
    getDeploymentInstance(),
  ];
}

/** The command service agents poll (`CodeDeployCommandService_v20141006`). */
function commandService(rt: DeploymentRuntime): JsonService {
  return jsonService({
    targetPrefix: "CodeDeployCommandService_v20141006",
    signingName: "codedeploy-commands",
    actionPrefix: "codedeploy-commands",
    validationErrorCode: "ClientException",
    operations: [
      pollHostCommand(rt),
      putHostCommandAcknowledgement(rt),
      postHostCommandUpdate(rt),
      putHostCommandComplete(rt),
      getDeploymentSpecification(),
    ],
  });
}

function deploymentJobs(rt: DeploymentRuntime): JobDeclaration[] {
  return [
    { kind: COMMAND_TIMEOUT_JOB, pool: "background", handler: createCommandTimeoutHandler(rt) },
    { kind: TRAFFIC_JOB, pool: "background", handler: createTrafficHandler(rt) },
    { kind: ROLLBACK_JOB, pool: "background", handler: createRollbackHandler(rt) },
    { kind: BLUE_GREEN_WAIT_JOB, pool: "background", handler: createBlueGreenWaitHandler(rt) },
    { kind: ALARM_JOB, pool: "background", handler: createAlarmHandler(rt) },
  ];
}
