/**
 * Where a stage's condition of one type stands for an execution, as the planner reads it (pure).
 * A condition is met when all its rules pass: beforeEntry then lets the execution in, onSuccess lets
 * the stage succeed, and onFailure applies its result to the failed stage. An unmet beforeEntry or
 * onSuccess condition applies its result (FAIL or SKIP; ROLLBACK or FAIL); an unmet onFailure
 * condition leaves the stage simply failed.
 */

export type ConditionType = "BEFORE_ENTRY" | "ON_SUCCESS" | "ON_FAILURE";

/** AWS's `ConditionExecutionStatus`. */
export type ConditionStatus =
  "InProgress" | "Failed" | "Errored" | "Succeeded" | "Cancelled" | "Abandoned" | "Overridden";

/** A stored evaluation of a condition, for the stage's current attempt. */
export interface ConditionView {
  readonly status: ConditionStatus;
  /** InProgress and its time to be checked again has come. */
  readonly due: boolean;
}

/** The conditions a stage declares, as far as deciding goes. */
export interface PlanConditions {
  readonly beforeEntry?:
    { readonly conditions: readonly { readonly result?: string | undefined }[] } | undefined;
  readonly onSuccess?:
    { readonly conditions: readonly { readonly result?: string | undefined }[] } | undefined;
  readonly onFailure?:
    | {
        readonly result?: string | undefined;
        readonly conditions?: readonly { readonly result?: string | undefined }[] | undefined;
      }
    | undefined;
}

export type Gate =
  /** No condition of this type: go on as without. */
  | { readonly kind: "none" }
  /** Evaluate it (first time, or a closed window's time to look again has come). */
  | { readonly kind: "check" }
  | { readonly kind: "wait" }
  | { readonly kind: "met"; readonly result: string | undefined }
  | { readonly kind: "unmet"; readonly result: string | undefined };

/** A condition type's field in a stage declaration. */
export const CONDITION_FIELD: Record<ConditionType, string> = {
  BEFORE_ENTRY: "beforeEntry",
  ON_SUCCESS: "onSuccess",
  ON_FAILURE: "onFailure",
};

/** `Stage "Deploy", beforeEntry condition, rule "OnlyMain"`, for messages. */
export function ruleWhere(stage: string, type: ConditionType, rule: string): string {
  return `Stage "${stage}", ${CONDITION_FIELD[type]} condition, rule "${rule}"`;
}

/** The key of a condition in `ExecutionView.conditions`. */
export function conditionKey(stage: string, type: ConditionType): string {
  return `${stage}/${type}`;
}

/** The declared condition of a type (the model allows one per type). */
export function declaredCondition(stage: PlanConditions, type: ConditionType) {
  const list =
    type === "BEFORE_ENTRY"
      ? stage.beforeEntry?.conditions
      : type === "ON_SUCCESS"
        ? stage.onSuccess?.conditions
        : stage.onFailure?.conditions;
  return list?.[0];
}

/** Where the condition stands. */
export function gate(
  stage: PlanConditions & { readonly name: string },
  type: ConditionType,
  conditions: ReadonlyMap<string, ConditionView> | undefined,
): Gate {
  const declared = declaredCondition(stage, type);
  if (!declared) return { kind: "none" };
  const result = declared.result ?? (type === "ON_FAILURE" ? stage.onFailure?.result : "FAIL");
  const view = conditions?.get(conditionKey(stage.name, type));
  if (!view) return { kind: "check" };
  switch (view.status) {
    case "InProgress":
      return view.due ? { kind: "check" } : { kind: "wait" };
    case "Succeeded":
    case "Overridden":
      return { kind: "met", result };
    default:
      return { kind: "unmet", result };
  }
}
