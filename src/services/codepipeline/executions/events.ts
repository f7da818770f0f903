import type { Kysely } from "kysely";
import { formatArn } from "../../../core/index.js";
import type { Bus } from "../../../platform/bus/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { ActionInputDoc, ActionRow, ExecutionRow } from "./rows.js";

// The three state-change events of CodePipeline's user guide ("Monitoring CodePipeline events"),
// in AWS's shapes, so EventBridge-style rules written for AWS match them unchanged.

export const PIPELINE_EVENT = "CodePipeline Pipeline Execution State Change";
export const STAGE_EVENT = "CodePipeline Stage Execution State Change";
export const ACTION_EVENT = "CodePipeline Action Execution State Change";

/** An execution's, stage's or action's state as the events spell it. */
export type EventState =
  | "STARTED"
  | "SUCCEEDED"
  | "RESUMED"
  | "FAILED"
  | "CANCELED"
  | "SUPERSEDED"
  | "STOPPING"
  | "STOPPED"
  | "ABANDONED";

export function pipelineArn(scope: { account_id: string; region: string }, name: string): string {
  return formatArn({
    service: "codepipeline",
    region: scope.region,
    accountId: scope.account_id,
    resource: name,
  });
}

function base(execution: ExecutionRow, detailType: string, detail: Record<string, unknown>) {
  return {
    source: "aws.codepipeline",
    detailType,
    account: execution.account_id,
    region: execution.region,
    resources: [pipelineArn(execution, execution.pipeline_name)],
    detail: {
      pipeline: execution.pipeline_name,
      "execution-id": execution.execution_id,
      ...detail,
      version: execution.pipeline_version,
    },
  };
}

export async function emitPipelineEvent(
  bus: Bus,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  state: EventState,
): Promise<void> {
  await bus.emit(
    trx,
    base(execution, PIPELINE_EVENT, {
      "execution-trigger": {
        "trigger-type": execution.trigger_type,
        "trigger-detail": execution.trigger_detail,
      },
      state,
      "start-time": new Date(Number(execution.started_at)).toISOString(),
    }),
  );
}

export async function emitStageEvent(
  bus: Bus,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  stage: string,
  state: EventState,
): Promise<void> {
  await bus.emit(trx, base(execution, STAGE_EVENT, { stage, state }));
}

export async function emitActionEvent(
  bus: Bus,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  action: ActionRow,
  input: ActionInputDoc,
  state: EventState,
): Promise<void> {
  await bus.emit(
    trx,
    base(execution, ACTION_EVENT, {
      stage: action.stage_name,
      "action-execution-id": action.action_execution_id,
      action: action.action_name,
      state,
      region: input.region,
      type: {
        owner: input.actionTypeId.owner,
        provider: input.actionTypeId.provider,
        category: input.actionTypeId.category,
        version: input.actionTypeId.version,
      },
      ...(input.inputArtifacts.length
        ? {
            "input-artifacts": input.inputArtifacts.map((a) => ({
              name: a.name,
              s3location: { bucket: a.bucket, key: a.key },
            })),
          }
        : {}),
    }),
  );
}
