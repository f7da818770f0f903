import type { Kysely } from "kysely";
import { newUuid } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import {
  CONDITION_FIELD as FIELD,
  declaredCondition,
  ruleWhere,
  type ConditionStatus,
  type ConditionType,
} from "./condition-gate.js";
import { conditionAttempt, rulesOf, type ConditionRow, type RuleRow } from "./condition-rows.js";
import { prepareCommandsRule, RULE_JOB, stopRuleBuilds } from "./commands-rule.js";
import { emitStageEvent } from "./events.js";
import type { EnginePipeline } from "./pipeline-source.js";
import { stagesOf, type ArtifactLocation, type ExecutionRow } from "./rows.js";
import { evaluateRule, type RuleDeclarationDoc, type RuleOutcome } from "./rules/index.js";
import { ADVANCE_JOB, type ExecutionRuntime } from "./runtime.js";
import { substituteAll, UnresolvedVariableError, type VariableScope } from "./variables.js";

/**
 * Stage conditions in the engine: evaluating a condition's rules and recording each run, and
 * keeping an execution out of a stage. Called by advance.ts under the pipeline's lock, in its
 * transaction; what to do with the outcome is the planner's (condition-gate.ts).
 */

/**
 * Evaluates the stage's condition of `type`: the first time, every rule (each run recorded); after
 * that, only the rules still in progress (a deployment window that was closed). Records where the
 * condition stands, and when it must be looked at again, enqueues the timer that wakes the engine.
 */
export async function checkConditions(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  pipeline: EnginePipeline,
  stageName: string,
  type: ConditionType,
  variables: VariableScope,
  artifacts: ReadonlyMap<string, ArtifactLocation>,
): Promise<void> {
  const stage = pipeline.stages.find((s) => s.name === stageName)!;
  const declared = declaredCondition(stage, type);
  const rules = (declared as { rules?: readonly RuleDeclarationDoc[] } | undefined)?.rules ?? [];
  const stageRow = (await stagesOf(trx, execution.execution_id)).find((s) => s.stage_name === stageName);
  const now = rt.clock.now();
  const key = {
    execution_id: execution.execution_id,
    stage_name: stageName,
    condition_type: type,
    stage_attempt: conditionAttempt(type, stageRow),
  };
  const existing = await trx
    .selectFrom("codepipeline_stage_conditions")
    .selectAll()
    .where("execution_id", "=", key.execution_id)
    .where("stage_name", "=", key.stage_name)
    .where("condition_type", "=", key.condition_type)
    .where("stage_attempt", "=", key.stage_attempt)
    .executeTakeFirst();
  if (!existing) {
    await trx
      .insertInto("codepipeline_stage_conditions")
      .values({
        ...key,
        account_id: execution.account_id,
        region: execution.region,
        pipeline_name: execution.pipeline_name,
        status: "InProgress",
        summary: null,
        recheck_at: null,
        overridden_by: null,
        started_at: now,
        updated_at: now,
      })
      .execute();
  }
  const done = existing ? await rulesOf(trx, key) : [];
  const outcomes: Array<{ rule: string; outcome: RuleOutcome }> = [];
  for (const rule of rules) {
    const previous = done.filter((r) => r.rule_name === rule.name).pop();
    if (previous && previous.status !== "InProgress") {
      outcomes.push({ rule: rule.name, outcome: storedOutcome(previous) });
      continue;
    }
    const outcome = await runRule(rt, trx, execution, key, rule, { variables, artifacts }, previous, now);
    outcomes.push({ rule: rule.name, outcome });
  }
  const decided = conditionOutcome(outcomes, stageName, type);
  await trx
    .updateTable("codepipeline_stage_conditions")
    .set({
      status: decided.status,
      summary: decided.summary,
      recheck_at: decided.recheckAt ?? null,
      updated_at: now,
    })
    .where("execution_id", "=", key.execution_id)
    .where("stage_name", "=", key.stage_name)
    .where("condition_type", "=", key.condition_type)
    .where("stage_attempt", "=", key.stage_attempt)
    .execute();
  if (decided.recheckAt !== undefined) {
    // A durable timer: the queue keeps it across restarts, and the advance it runs finds the
    // condition due and evaluates the rules still in progress.
    await rt.queue.enqueue(trx, {
      kind: ADVANCE_JOB,
      payload: { executionId: execution.execution_id },
      runAt: decided.recheckAt,
    });
  }
}

/** Resolves a rule's variables, evaluates it and records the run (a new one or the one in progress). */
async function runRule(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  key: Pick<ConditionRow, "execution_id" | "stage_name" | "condition_type" | "stage_attempt">,
  rule: RuleDeclarationDoc,
  scope: { variables: VariableScope; artifacts: ReadonlyMap<string, ArtifactLocation> },
  previous: RuleRow | undefined,
  now: number,
): Promise<RuleOutcome> {
  const where = ruleWhere(key.stage_name, key.condition_type as ConditionType, rule.name);
  const commandsRule = rule.ruleTypeId.provider === "Commands";
  if (commandsRule && previous) {
    // Its build is running: the build's end finishes the run and wakes the engine (commands-rule.ts).
    return { status: "InProgress", summary: previous.summary ?? "Its commands run in a CodeBuild build." };
  }
  let resolved: Record<string, string> = {};
  let outcome: RuleOutcome;
  let extra: Record<string, unknown> = {};
  try {
    resolved = substituteAll(rule.configuration ?? {}, scope.variables, where);
    if (commandsRule) {
      const prepared = prepareCommandsRule(rule, scope.artifacts, where);
      outcome = prepared.outcome;
      extra = prepared.input;
    } else outcome = evaluateRule(rule, resolved, where, now);
  } catch (e) {
    if (!(e instanceof UnresolvedVariableError)) throw e;
    outcome = { status: "Errored", code: "ConfigurationError", message: e.message };
  }
  const fields = {
    status: outcome.status === "Errored" ? "Failed" : outcome.status,
    summary: "summary" in outcome ? outcome.summary : null,
    error_code: "code" in outcome ? outcome.code : null,
    error_message: "message" in outcome ? outcome.message : null,
    updated_at: now,
  };
  if (previous) {
    await trx
      .updateTable("codepipeline_rule_executions")
      .set(fields)
      .where("rule_execution_id", "=", previous.rule_execution_id)
      .execute();
    return outcome;
  }
  const input = {
    ruleTypeId: { owner: "AWS", version: "1", ...rule.ruleTypeId },
    configuration: { ...(rule.configuration ?? {}) },
    resolvedConfiguration: resolved,
    region: rule.region ?? execution.region,
    ...extra,
  };
  const ruleExecutionId = newUuid();
  await trx
    .insertInto("codepipeline_rule_executions")
    .values({
      ...key,
      ...fields,
      rule_execution_id: ruleExecutionId,
      account_id: execution.account_id,
      region: execution.region,
      pipeline_name: execution.pipeline_name,
      pipeline_version: execution.pipeline_version,
      rule_name: rule.name,
      input: JSON.stringify(input),
      external_execution_id: null,
      external_execution_url: null,
      started_at: now,
    })
    .execute();
  if (commandsRule && outcome.status === "InProgress") {
    await rt.queue.enqueue(trx, { kind: RULE_JOB, payload: { ruleExecutionId } });
  }
  return outcome;
}

/** A finished rule run as an outcome again (a condition looked at once more keeps it). */
function storedOutcome(row: RuleRow): RuleOutcome {
  if (row.status === "Succeeded") return { status: "Succeeded", summary: row.summary ?? "" };
  const failure = { code: row.error_code ?? "RuleCheckFailed", message: row.error_message ?? "" };
  return row.error_code === "RuleCheckFailed"
    ? { status: "Failed", ...failure }
    : { status: "Errored", ...failure };
}

/** A condition's status from its rules': any errored, any failed, any in progress, else met. */
function conditionOutcome(
  outcomes: ReadonlyArray<{ rule: string; outcome: RuleOutcome }>,
  stage: string,
  type: ConditionType,
): { status: ConditionStatus; summary: string; recheckAt?: number } {
  const first = (status: RuleOutcome["status"]) => outcomes.find((o) => o.outcome.status === status)?.outcome;
  const errored = first("Errored");
  if (errored && "message" in errored) return { status: "Errored", summary: errored.message };
  const failed = first("Failed");
  if (failed && "message" in failed) return { status: "Failed", summary: failed.message };
  const waiting = outcomes.flatMap((o) => (o.outcome.status === "InProgress" ? [o] : []));
  if (waiting.length) {
    // Rules without a time to look again (a Commands rule's build) wake the engine when they end.
    const times = waiting.flatMap((o) => {
      const at = (o.outcome as { recheckAt?: number }).recheckAt;
      return at === undefined ? [] : [at];
    });
    const recheckAt = times.length ? Math.min(...times) : undefined;
    const { rule, outcome } = waiting[0]!;
    return {
      status: "InProgress",
      summary: `${ruleWhere(stage, type, rule)}: ${(outcome as { summary: string }).summary}`,
      ...(recheckAt !== undefined ? { recheckAt } : {}),
    };
  }
  return { status: "Succeeded", summary: `Stage "${stage}", ${FIELD[type]} condition: every rule passed.` };
}

/**
 * An unmet beforeEntry condition: the execution does not enter the stage, which is recorded as
 * Failed (result FAIL; the execution then fails) or Skipped (result SKIP; it goes on to the next).
 */
export async function refuseEntry(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  pipeline: EnginePipeline,
  stageName: string,
  status: "Failed" | "Skipped",
): Promise<void> {
  const now = rt.clock.now();
  await trx
    .insertInto("codepipeline_stage_executions")
    .values({
      execution_id: execution.execution_id,
      account_id: execution.account_id,
      region: execution.region,
      pipeline_name: execution.pipeline_name,
      stage_name: stageName,
      stage_index: pipeline.stages.findIndex((s) => s.name === stageName),
      status,
      attempt: 1,
      retry_mode: null,
      auto_retries: 0,
      manual_retries: 0,
      started_at: now,
      updated_at: now,
    })
    .execute();
  if (status === "Failed") await emitStageEvent(rt.bus, trx, execution, stageName, "FAILED");
}

/**
 * An execution that ends while one of its conditions is in progress (stopped, superseded): the
 * condition is Cancelled and its rule runs in progress Abandoned, so nothing shows it still waiting.
 */
export async function abandonConditions(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  executionId: string,
  now: number,
): Promise<void> {
  await stopRuleBuilds(rt, trx, executionId);
  await trx
    .updateTable("codepipeline_stage_conditions")
    .set({ status: "Cancelled", recheck_at: null, updated_at: now })
    .where("execution_id", "=", executionId)
    .where("status", "=", "InProgress")
    .execute();
  await trx
    .updateTable("codepipeline_rule_executions")
    .set({ status: "Abandoned", updated_at: now })
    .where("execution_id", "=", executionId)
    .where("status", "=", "InProgress")
    .execute();
}
