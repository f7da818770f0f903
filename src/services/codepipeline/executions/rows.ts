import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import {
  currentActions,
  type ActionStatus,
  type ExecutionStatus,
  type ExecutionView,
  type RetryMode,
  type StageStatus,
  type StageView,
} from "./plan.js";

export type ExecutionRow = Selectable<Database["codepipeline_executions"]>;
export type StageRow = Selectable<Database["codepipeline_stage_executions"]>;
export type ActionRow = Selectable<Database["codepipeline_action_executions"]>;

/** Where an artifact is: a zip in the artifact store. */
export interface ArtifactLocation {
  name: string;
  bucket: string;
  key: string;
}

/** An action execution's `input` column: AWS's `ActionExecutionInput`, plus where outputs go. */
export interface ActionInputDoc {
  actionTypeId: { category: string; owner: string; provider: string; version: string };
  configuration: Record<string, string>;
  resolvedConfiguration: Record<string, string>;
  region: string;
  namespace?: string;
  inputArtifacts: ArtifactLocation[];
  /** Where each output artifact is written, chosen when the action starts. */
  outputArtifacts: ArtifactLocation[];
  /** A compute action's commands and their environment, variables substituted. */
  compute?: ComputeInputDoc;
}

/** What a compute (Commands) action runs, as it started. */
export interface ComputeInputDoc {
  commands: string[];
  outputVariables: string[];
  environmentVariables: Array<{ name: string; value: string; type: "PLAINTEXT" | "SECRETS_MANAGER" }>;
  /** The output artifact's `files` globs (all files when it names none); absent without one. */
  files?: string[];
}

/** A source action's revision (`ArtifactRevision` / `ActionRevision`). */
export interface RevisionDoc {
  revisionId: string;
  revisionSummary?: string;
  revisionUrl?: string;
  revisionChangeId?: string;
  created?: number;
}

/** An action execution's `output` column: AWS's `ActionExecutionOutput`, plus a source's revision. */
export interface ActionOutputDoc {
  outputArtifacts: ArtifactLocation[];
  outputVariables: Record<string, string>;
  revision?: RevisionDoc;
}

export function inputOf(row: ActionRow): ActionInputDoc {
  return JSON.parse(row.input) as ActionInputDoc;
}

export function outputOf(row: ActionRow): ActionOutputDoc | undefined {
  return row.output === null ? undefined : (JSON.parse(row.output) as ActionOutputDoc);
}

export async function findExecution(
  trx: Kysely<Database>,
  executionId: string,
): Promise<ExecutionRow | undefined> {
  return trx
    .selectFrom("codepipeline_executions")
    .selectAll()
    .where("execution_id", "=", executionId)
    .executeTakeFirst();
}

export async function stagesOf(trx: Kysely<Database>, executionId: string): Promise<StageRow[]> {
  return trx
    .selectFrom("codepipeline_stage_executions")
    .selectAll()
    .where("execution_id", "=", executionId)
    .orderBy("stage_index")
    .execute();
}

/**
 * How many of an execution's action runs a summary reads: AWS allows 50 actions in a stage, so
 * this covers the source stage (it starts first) and its retries many times over.
 */
const SUMMARY_ACTIONS = 500;

/**
 * The first action runs of an execution, in start order, at most `SUMMARY_ACTIONS`: what a
 * listing's summary needs (source revisions) without reading every run of a long execution.
 */
export async function firstActionsOf(trx: Kysely<Database>, executionId: string): Promise<ActionRow[]> {
  return trx
    .selectFrom("codepipeline_action_executions")
    .selectAll()
    .where("execution_id", "=", executionId)
    .orderBy("started_at")
    .orderBy("action_execution_id")
    .limit(SUMMARY_ACTIONS)
    .execute();
}

export async function actionsOf(trx: Kysely<Database>, executionId: string): Promise<ActionRow[]> {
  return trx
    .selectFrom("codepipeline_action_executions")
    .selectAll()
    .where("execution_id", "=", executionId)
    .orderBy("started_at")
    .orderBy("action_execution_id")
    .execute();
}

/** The execution's state as the planner reads it. */
export function viewOf(execution: ExecutionRow, stages: StageRow[], actions: ActionRow[]): ExecutionView {
  const view = new Map<string, StageView>();
  for (const stage of stages) {
    const attempts = actions
      .filter((a) => a.stage_name === stage.stage_name)
      .map((a) => ({
        actionName: a.action_name,
        stageAttempt: a.stage_attempt,
        status: a.status as ActionStatus,
      }));
    view.set(stage.stage_name, {
      status: stage.status as StageStatus,
      actions: currentActions(
        attempts,
        stage.attempt,
        (stage.retry_mode ?? undefined) as RetryMode | undefined,
      ),
    });
  }
  return { status: execution.status as ExecutionStatus, stages: view };
}

/** The latest attempt of each action, by `stage/action`. */
export function latestAttempts(actions: readonly ActionRow[]): Map<string, ActionRow> {
  const latest = new Map<string, ActionRow>();
  for (const a of actions) {
    const key = `${a.stage_name}/${a.action_name}`;
    const seen = latest.get(key);
    if (!seen || a.stage_attempt >= seen.stage_attempt) latest.set(key, a);
  }
  return latest;
}

/**
 * What the execution's succeeded actions produced: artifacts by name and output variables by
 * `namespace.name`, from each action's latest successful attempt.
 */
export function producedBy(actions: readonly ActionRow[]): {
  artifacts: Map<string, ArtifactLocation>;
  variables: Map<string, string>;
} {
  const artifacts = new Map<string, ArtifactLocation>();
  const variables = new Map<string, string>();
  for (const row of latestAttempts(actions.filter((a) => a.status === "Succeeded")).values()) {
    const output = outputOf(row);
    if (!output) continue;
    for (const artifact of output.outputArtifacts) artifacts.set(artifact.name, artifact);
    const namespace = inputOf(row).namespace;
    if (namespace) {
      for (const [name, value] of Object.entries(output.outputVariables))
        variables.set(`${namespace}.${name}`, value);
    }
  }
  return { artifacts, variables };
}

/** The variables an action or a rule may use: earlier actions', the execution's own, the pipeline's. */
export function variableScope(execution: ExecutionRow, produced: Map<string, string>): Map<string, string> {
  const scope = new Map(produced);
  scope.set("codepipeline.PipelineExecutionId", execution.execution_id);
  for (const v of JSON.parse(execution.variables) as Array<{ name: string; resolvedValue: string }>) {
    scope.set(`variables.${v.name}`, v.resolvedValue);
  }
  return scope;
}

/** What a ROLLBACK execution's metadata holds. */
export interface RollbackMetadata {
  rollbackTargetPipelineExecutionId: string;
  /** The stage it rolls back. */
  stageName: string;
}

export function rollbackOf(execution: ExecutionRow): RollbackMetadata | undefined {
  return execution.rollback_metadata === null
    ? undefined
    : (JSON.parse(execution.rollback_metadata) as RollbackMetadata);
}
