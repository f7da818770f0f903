// Layout of this service. One folder per AWS resource — pipelines/ (declarations, their versions
// and tags), action-types/ (the catalogue of what actions can be) — each using CodeCommit's file
// names (see services/codecommit/service.ts):
//   operations.ts         the resource's AWS operations, one `export function <awsName>(rt)` each
//                         returning `operation({ name: "<AwsName>", … })`; operations-<topic>.ts
//                         for a second group (pipelines/operations-tags.ts)
//   rows.ts               reads and writes of the resource's tables; lookups that throw its
//                         not-found exception (`requirePipeline`, `pipelineByArn`)
//   checks.ts             input validators that need the store or other services (artifact
//                         buckets) and tag rules
//   shapes.ts             the wire shapes (zod): types, lengths, patterns, enums
//   <domain>.ts           pipelines/structure.ts (AWS's structure rules, with messages naming the
//                         stage and action), pipelines/variables.ts (`#{…}` references),
//                         action-types/catalogue.ts (the action types and their rules, used by
//                         structure checks and, later, by executions)
// Top level: service.ts (this: every operation is registered here, by name), index.ts, deps.ts,
// errors.ts, pagination.ts.

import { createLogger, systemClock } from "../../core/index.js";
import { jsonService, type ServiceModule } from "../kit/index.js";
import {
  createActionHandler,
  createBuildStateHandler,
  createDeploymentStateHandler,
  isDeploymentEnd,
} from "./executions/actions.js";
import { advance } from "./executions/advance.js";
import { createRuleJobHandler, RULE_JOB } from "./executions/commands-rule.js";
import {
  disableStageTransition,
  enableStageTransition,
  getPipelineExecution,
  getPipelineState,
  listActionExecutions,
  listPipelineExecutions,
  putApprovalResult,
  retryStageExecution,
  rollbackStage,
  startPipelineExecution,
  stopPipelineExecution,
} from "./executions/operations.js";
import { ACTION_JOB, ADVANCE_JOB } from "./executions/runtime.js";
import {
  ACTION_TIMEOUT_JOB,
  createActionTimeoutHandler,
  DEFAULT_TIMEOUTS_MS,
  LEGACY_APPROVAL_TIMEOUT_JOB,
} from "./executions/timeouts.js";
import {
  listRuleExecutions,
  listRuleTypes,
  overrideStageCondition,
} from "./executions/operations-conditions.js";
import {
  createObjectCreatedHandler,
  createPullRequestHandler,
  createPushHandler,
} from "./executions/triggers/index.js";
import { OBJECT_CREATED, OBJECT_CREATED_SOURCE } from "../s3/index.js";
import {
  acknowledgeJob,
  getJobDetails,
  pollForJobs,
  putJobFailureResult,
  putJobSuccessResult,
} from "./jobs/operations.js";
import { storedPipelines } from "./pipelines/source.js";
import { createProviders } from "./providers/index.js";
import { createCustomActionType, deleteCustomActionType } from "./action-types/operations-custom.js";
import { getActionType, listActionTypes } from "./action-types/operations.js";
import type { CodePipelineDeps, CodePipelineRuntime } from "./deps.js";
import { z } from "zod";
import { listTagsForResource, tagResource, untagResource } from "./pipelines/operations-tags.js";
import {
  createPipeline,
  deletePipeline,
  getPipeline,
  listPipelines,
  updatePipeline,
} from "./pipelines/operations.js";

const ADVANCE_PAYLOAD = z.object({ executionId: z.string() });

/**
 * CodePipeline as a module: pipeline definitions, the action-type catalogue, and executions — a
 * durable state machine advanced by jobs on the `background` pool (`codepipeline.advance`, one per
 * wake-up; `codepipeline.action`, one per action to run; `codepipeline.action-timeout`, one timer per
 * running action) and by bus subscriptions: builds ending, and the changes that start pipelines
 * (pushes, pull requests, S3 objects written).
 */
export function createCodePipeline(deps: CodePipelineDeps): ServiceModule {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger({ level: "silent" });
  const providers = createProviders({
    s3: deps.s3,
    ...(deps.codecommit ? { codecommit: deps.codecommit } : {}),
    publicUrl: deps.publicUrl,
    logger,
    clock,
  });
  const rt: CodePipelineRuntime = {
    store: deps.store,
    queue: deps.queue,
    bus: deps.bus,
    artifactBuckets: deps.artifactBuckets,
    clock,
    logger,
    pipelines: storedPipelines(deps.store),
    // The catalogue's version of every built-in type is 1.
    providers: Object.fromEntries(Object.entries(providers).map(([id, p]) => [`${id}/1`, p])),
    ...(deps.builds ? { builds: deps.builds } : {}),
    ...(deps.deployments ? { deployments: deps.deployments } : {}),
    artifacts: deps.s3,
    publicUrl: deps.publicUrl,
    timeoutsMs: {
      ...DEFAULT_TIMEOUTS_MS,
      ...(deps.approvalTimeoutMs !== undefined ? { approval: deps.approvalTimeoutMs } : {}),
      ...(deps.customActionTimeoutMs !== undefined ? { custom: deps.customActionTimeoutMs } : {}),
    },
  };
  return {
    name: "codepipeline",
    json: jsonService({
      targetPrefix: "CodePipeline_20150709",
      signingName: "codepipeline",
      actionPrefix: "codepipeline",
      validationErrorCode: "ValidationException",
      operations: [
        // pipelines
        createPipeline(rt),
        getPipeline(rt),
        updatePipeline(rt),
        deletePipeline(rt),
        listPipelines(rt),
        // pipelines: tags
        tagResource(rt),
        untagResource(rt),
        listTagsForResource(rt),
        // action-types
        listActionTypes(rt),
        getActionType(rt),
        createCustomActionType(rt),
        deleteCustomActionType(rt),
        // jobs (custom actions' workers)
        pollForJobs(rt),
        acknowledgeJob(rt),
        getJobDetails(rt),
        putJobSuccessResult(rt),
        putJobFailureResult(rt),
        // executions
        startPipelineExecution(rt),
        getPipelineExecution(rt),
        listPipelineExecutions(rt),
        stopPipelineExecution(rt),
        getPipelineState(rt),
        listActionExecutions(rt),
        retryStageExecution(rt),
        rollbackStage(rt),
        putApprovalResult(rt),
        enableStageTransition(rt),
        disableStageTransition(rt),
        // executions: stage conditions
        listRuleTypes(),
        listRuleExecutions(rt),
        overrideStageCondition(rt),
      ],
    }),
    jobs: [
      {
        kind: ADVANCE_JOB,
        pool: "background",
        handler: (job) => advance(rt, ADVANCE_PAYLOAD.parse(job.payload).executionId),
      },
      { kind: ACTION_JOB, pool: "background", handler: createActionHandler(rt) },
      { kind: RULE_JOB, pool: "background", handler: createRuleJobHandler(rt) },
      { kind: ACTION_TIMEOUT_JOB, pool: "background", handler: createActionTimeoutHandler(rt) },
      { kind: LEGACY_APPROVAL_TIMEOUT_JOB, pool: "background", handler: createActionTimeoutHandler(rt) },
    ],
    subscriptions: [
      {
        name: "codepipeline.build-state",
        handler: createBuildStateHandler(rt),
        options: {
          filter: (e) => e.source === "aws.codebuild" && e["detail-type"] === "CodeBuild Build State Change",
          startAt: "latest",
        },
      },
      {
        name: "codepipeline.deployment-state",
        handler: createDeploymentStateHandler(rt),
        options: { filter: isDeploymentEnd, startAt: "latest" },
      },
      {
        name: "codepipeline.source-changes",
        handler: createPushHandler(rt, deps.codecommit),
        options: {
          filter: (e) =>
            e.source === "aws.codecommit" && e["detail-type"] === "CodeCommit Repository State Change",
          startAt: "latest",
        },
      },
      {
        name: "codepipeline.pull-requests",
        handler: createPullRequestHandler(rt, deps.codecommit),
        options: {
          filter: (e) =>
            e.source === "aws.codecommit" && e["detail-type"] === "CodeCommit Pull Request State Change",
          startAt: "latest",
        },
      },
      {
        name: "codepipeline.s3-objects",
        handler: createObjectCreatedHandler(rt),
        options: {
          filter: (e) => e.source === OBJECT_CREATED_SOURCE && e["detail-type"] === OBJECT_CREATED,
          startAt: "latest",
        },
      },
    ],
  };
}
