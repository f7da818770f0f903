import { checkRuleCommands } from "./compute-checks.js";
import type { ConditionInput, StageInput } from "./shapes.js";
import { stageError } from "./structure-errors.js";

/** The rule providers stage conditions can use. */
const RULE_PROVIDERS = ["CloudWatchAlarm", "Commands", "DeploymentWindow", "LambdaInvoke", "VariableCheck"];
/** The rule providers a beforeEntry condition with result SKIP can use. */
const SKIP_RULE_PROVIDERS = ["LambdaInvoke", "VariableCheck"];

/**
 * A stage's onFailure, onSuccess and beforeEntry: the results each allows (onFailure FAIL, RETRY
 * or ROLLBACK — not SKIP — and no rollback of the first stage, which has nothing to roll back to;
 * onSuccess conditions ROLLBACK or FAIL; beforeEntry conditions FAIL or SKIP, SKIP only with
 * LambdaInvoke and VariableCheck rules), retry settings only with RETRY, and rules of known
 * providers with unique names. Rule configurations are not checked.
 */
export function checkStageConditions(stage: StageInput, index: number): void {
  const failure = stage.onFailure;
  if (failure) {
    if (failure.result === "SKIP") {
      throw stageError(stage.name, "onFailure result SKIP is not allowed; use FAIL, RETRY or ROLLBACK.");
    }
    if (failure.result === "ROLLBACK" && index === 0) {
      throw stageError(stage.name, "onFailure result ROLLBACK cannot be set on the first (source) stage.");
    }
    if (failure.retryConfiguration && failure.result !== "RETRY") {
      throw stageError(stage.name, "onFailure retryConfiguration needs result RETRY.");
    }
    checkConditions(stage.name, "onFailure", failure.conditions ?? [], ["ROLLBACK", "FAIL", "RETRY"]);
  }
  if (stage.onSuccess)
    checkConditions(stage.name, "onSuccess", stage.onSuccess.conditions, ["ROLLBACK", "FAIL"]);
  if (stage.beforeEntry)
    checkConditions(stage.name, "beforeEntry", stage.beforeEntry.conditions, ["FAIL", "SKIP"]);
}

function checkConditions(
  stage: string,
  field: string,
  conditions: readonly ConditionInput[],
  results: readonly string[],
): void {
  for (const condition of conditions) {
    if (condition.result !== undefined && !results.includes(condition.result)) {
      throw stageError(
        stage,
        `${field} condition result ${condition.result} is not allowed; use ${results.join(" or ")}.`,
      );
    }
    const names = new Set<string>();
    if (field === "beforeEntry" && condition.result === "SKIP") {
      // The stage conditions guide: a SKIP entry condition takes only these rules.
      const other = (condition.rules ?? []).find((r) => !SKIP_RULE_PROVIDERS.includes(r.ruleTypeId.provider));
      if (other) {
        throw stageError(
          stage,
          `beforeEntry rule "${other.name}" (${other.ruleTypeId.provider}) cannot be used with result SKIP; use ${SKIP_RULE_PROVIDERS.join(" or ")} rules, or result FAIL.`,
        );
      }
    }
    for (const rule of condition.rules ?? []) {
      if (names.has(rule.name)) throw stageError(stage, `${field} has two rules named "${rule.name}".`);
      names.add(rule.name);
      if (!RULE_PROVIDERS.includes(rule.ruleTypeId.provider)) {
        throw stageError(
          stage,
          `${field} rule "${rule.name}" names rule provider ${rule.ruleTypeId.provider}, which does not exist; providers: ${RULE_PROVIDERS.join(", ")}.`,
        );
      }
      checkRuleCommands(rule, `Stage "${stage}", ${field} condition, rule "${rule.name}"`);
    }
  }
}
