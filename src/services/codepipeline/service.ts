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
import { getActionType, listActionTypes } from "./action-types/operations.js";
import type { CodePipelineDeps, CodePipelineRuntime } from "./deps.js";
import { listTagsForResource, tagResource, untagResource } from "./pipelines/operations-tags.js";
import {
  createPipeline,
  deletePipeline,
  getPipeline,
  listPipelines,
  updatePipeline,
} from "./pipelines/operations.js";

/** CodePipeline as a module: pipeline definitions and the action-type catalogue (no executions yet). */
export function createCodePipeline(deps: CodePipelineDeps): ServiceModule {
  const rt: CodePipelineRuntime = {
    store: deps.store,
    artifactBuckets: deps.artifactBuckets,
    clock: deps.clock ?? systemClock,
    logger: deps.logger ?? createLogger({ level: "silent" }),
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
      ],
    }),
  };
}
