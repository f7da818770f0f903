import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import {
  conditionKey,
  type ConditionStatus,
  type ConditionType,
  type ConditionView,
} from "./condition-gate.js";
import type { StageRow } from "./rows.js";

export type ConditionRow = Selectable<Database["codepipeline_stage_conditions"]>;
export type RuleRow = Selectable<Database["codepipeline_rule_executions"]>;

/** The stage attempt a condition is evaluated for: beforeEntry comes before the stage's first. */
export function conditionAttempt(type: ConditionType, stage: StageRow | undefined): number {
  return type === "BEFORE_ENTRY" ? 0 : (stage?.attempt ?? 1);
}

export async function conditionsOf(trx: Kysely<Database>, executionId: string): Promise<ConditionRow[]> {
  return trx
    .selectFrom("codepipeline_stage_conditions")
    .selectAll()
    .where("execution_id", "=", executionId)
    .execute();
}

export async function rulesOf(
  trx: Kysely<Database>,
  c: Pick<ConditionRow, "execution_id" | "stage_name" | "condition_type" | "stage_attempt">,
): Promise<RuleRow[]> {
  return trx
    .selectFrom("codepipeline_rule_executions")
    .selectAll()
    .where("execution_id", "=", c.execution_id)
    .where("stage_name", "=", c.stage_name)
    .where("condition_type", "=", c.condition_type)
    .where("stage_attempt", "=", c.stage_attempt)
    .orderBy("started_at")
    .orderBy("rule_execution_id")
    .execute();
}

/** The latest run of one rule of a condition's attempt (the last to start; the greatest id on a tie). */
export async function latestRuleRun(
  trx: Kysely<Database>,
  c: Pick<ConditionRow, "execution_id" | "stage_name" | "condition_type" | "stage_attempt">,
  ruleName: string,
): Promise<RuleRow | undefined> {
  return trx
    .selectFrom("codepipeline_rule_executions")
    .selectAll()
    .where("execution_id", "=", c.execution_id)
    .where("stage_name", "=", c.stage_name)
    .where("condition_type", "=", c.condition_type)
    .where("stage_attempt", "=", c.stage_attempt)
    .where("rule_name", "=", ruleName)
    .orderBy("started_at", "desc")
    .orderBy("rule_execution_id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** The conditions of the stages' current attempts, as the planner reads them, at `now`. */
export function conditionViews(
  rows: readonly ConditionRow[],
  stages: readonly StageRow[],
  now: number,
): Map<string, ConditionView> {
  const views = new Map<string, ConditionView>();
  for (const row of rows) {
    const type = row.condition_type as ConditionType;
    const stage = stages.find((s) => s.stage_name === row.stage_name);
    if (row.stage_attempt !== conditionAttempt(type, stage)) continue;
    const status = row.status as ConditionStatus;
    views.set(conditionKey(row.stage_name, type), {
      status,
      due: status === "InProgress" && row.recheck_at !== null && Number(row.recheck_at) <= now,
    });
  }
  return views;
}

/**
 * Why an execution failed, when an unmet beforeEntry or onSuccess condition failed it: the
 * summary naming the stage, condition and rule.
 */
export async function conditionFailureSummary(
  trx: Kysely<Database>,
  executionId: string,
): Promise<string | null> {
  const row = await trx
    .selectFrom("codepipeline_stage_conditions")
    .select("summary")
    .where("execution_id", "=", executionId)
    .where("condition_type", "in", ["BEFORE_ENTRY", "ON_SUCCESS"])
    .where("status", "in", ["Failed", "Errored"])
    .orderBy("updated_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.summary ?? null;
}
