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

import { systemClock } from "../../core/index.js";
import { jsonService, type ServiceModule } from "../kit/index.js";
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

/**
 * CodeDeploy as a module: its control plane — applications, their revisions, deployment
 * configurations, deployment groups and on-premises instances. Deployments and the agents' commands
 * API join this table of operations.
 */
export function createCodeDeploy(deps: CodeDeployDeps): ServiceModule {
  const rt: CodeDeployRuntime = {
    store: deps.store,
    clock: deps.clock ?? systemClock,
    ...(deps.revisionBuckets ? { revisionBuckets: deps.revisionBuckets } : {}),
  };
  return {
    name: "codedeploy",
    json: jsonService({
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
      ],
    }),
  };
}
