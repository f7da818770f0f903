/**
 * What an execution does next, decided from its stored state alone. The engine (advance.ts) loads
 * the state in a transaction that locks the execution, applies the step this returns, and asks
 * again until the answer is "wait" — so a crash between two steps only repeats a question, and two
 * servers never take the same step twice.
 *
 * Terms follow AWS's API: an execution's status (`PipelineExecutionStatus`), a stage execution's
 * (`StageExecutionStatus`), an action execution's (`ActionExecutionStatus`).
 */

export type ExecutionStatus =
  "Cancelled" | "InProgress" | "Stopped" | "Stopping" | "Succeeded" | "Superseded" | "Failed";

import { gate, type ConditionType, type ConditionView, type PlanConditions } from "./condition-gate.js";

export type StageStatus =
  "Cancelled" | "InProgress" | "Failed" | "Stopped" | "Stopping" | "Succeeded" | "Skipped";

export type ActionStatus = "InProgress" | "Abandoned" | "Succeeded" | "Failed";

/** How a stage's actions are run again: AWS's `StageRetryMode`. */
export type RetryMode = "FAILED_ACTIONS" | "ALL_ACTIONS";

/** The part of a pipeline's structure that decides the order of work. */
export interface PlanStage extends PlanConditions {
  readonly name: string;
  readonly actions: readonly { readonly name: string; readonly runOrder?: number | undefined }[];
}

/** One stage this execution entered. */
export interface StageView {
  readonly status: StageStatus;
  /** The stage's actions as they count now (see `currentActions`), by action name. */
  readonly actions: ReadonlyMap<string, ActionStatus>;
}

/** An execution's state as the planner needs it. */
export interface ExecutionView {
  readonly status: ExecutionStatus;
  /** The stages the execution entered, by name. */
  readonly stages: ReadonlyMap<string, StageView>;
  /** Stage conditions evaluated for the stages' current attempts, by `conditionKey`. */
  readonly conditions?: ReadonlyMap<string, ConditionView>;
}

export type Step =
  /** Start these actions of the stage (one runOrder group, those not started yet). */
  | { readonly type: "start-actions"; readonly stage: string; readonly actions: readonly string[] }
  /** The stage is over; a failed one may be retried or rolled back (`result`). */
  | {
      readonly type: "end-stage";
      readonly stage: string;
      readonly status: "Succeeded" | "Failed" | "Stopped";
      readonly result?: "RETRY" | "ROLLBACK";
    }
  /** Evaluate (or look again at) a stage condition's rules. */
  | { readonly type: "check-conditions"; readonly stage: string; readonly condition: ConditionType }
  /** An unmet beforeEntry condition keeps the execution out of the stage: it fails or skips it. */
  | { readonly type: "refuse-entry"; readonly stage: string; readonly status: "Failed" | "Skipped" }
  /** Enter the stage (subject to its transition and, outside PARALLEL mode, to its lock). */
  | { readonly type: "enter-stage"; readonly stage: string }
  /** The execution is over. */
  | { readonly type: "end-execution"; readonly status: "Succeeded" | "Failed" | "Stopped" }
  /** Nothing to do until an action ends or a lock or transition opens. */
  | { readonly type: "wait" };

const WAIT: Step = { type: "wait" };

/** The runOrder of an action as AWS defaults it. */
export function runOrderOf(action: { readonly runOrder?: number | undefined }): number {
  return action.runOrder ?? 1;
}

/** The step an execution takes next. */
export function nextStep(stages: readonly PlanStage[], view: ExecutionView): Step {
  if (view.status !== "InProgress" && view.status !== "Stopping") return WAIT;
  const stopping = view.status === "Stopping";
  let index = -1;
  stages.forEach((stage, i) => {
    if (view.stages.has(stage.name)) index = i;
  });
  if (index === -1) {
    if (stopping) return { type: "end-execution", status: "Stopped" };
    const first = stages[0];
    return first ? entryStep(first, view) : { type: "end-execution", status: "Succeeded" };
  }
  const stage = stages[index]!;
  const current = view.stages.get(stage.name)!;
  switch (current.status) {
    case "Succeeded":
    case "Skipped": {
      const next = stages[index + 1];
      if (!next) return { type: "end-execution", status: stopping ? "Stopped" : "Succeeded" };
      return stopping ? { type: "end-execution", status: "Stopped" } : entryStep(next, view);
    }
    case "Failed":
      return { type: "end-execution", status: stopping ? "Stopped" : "Failed" };
    case "Stopped":
      return { type: "end-execution", status: "Stopped" };
    case "InProgress":
    case "Stopping":
      return stageStep(stage, current, stopping, view);
    default:
      return WAIT;
  }
}

/** Entering a stage, once its beforeEntry condition (if any) is met. */
function entryStep(stage: PlanStage, view: ExecutionView): Step {
  const g = gate(stage, "BEFORE_ENTRY", view.conditions);
  switch (g.kind) {
    case "none":
    case "met":
      return { type: "enter-stage", stage: stage.name };
    case "check":
      return { type: "check-conditions", stage: stage.name, condition: "BEFORE_ENTRY" };
    case "wait":
      return WAIT;
    case "unmet":
      return { type: "refuse-entry", stage: stage.name, status: g.result === "SKIP" ? "Skipped" : "Failed" };
  }
}

/** A stage whose actions all succeeded: it succeeds once its onSuccess condition (if any) is met. */
function successStep(stage: PlanStage, view: ExecutionView): Step {
  const g = gate(stage, "ON_SUCCESS", view.conditions);
  switch (g.kind) {
    case "none":
    case "met":
      return { type: "end-stage", stage: stage.name, status: "Succeeded" };
    case "check":
      return { type: "check-conditions", stage: stage.name, condition: "ON_SUCCESS" };
    case "wait":
      return WAIT;
    case "unmet":
      return failed(stage.name, g.result);
  }
}

/** A stage whose actions failed: its onFailure result applies, when its condition (if any) is met. */
function failureStep(stage: PlanStage, view: ExecutionView): Step {
  const g = gate(stage, "ON_FAILURE", view.conditions);
  switch (g.kind) {
    case "none":
      return failed(stage.name, stage.onFailure?.result);
    case "check":
      return { type: "check-conditions", stage: stage.name, condition: "ON_FAILURE" };
    case "wait":
      return WAIT;
    case "met":
      return failed(stage.name, g.result);
    case "unmet":
      return failed(stage.name, undefined);
  }
}

function failed(stage: string, result: string | undefined): Step {
  return result === "RETRY" || result === "ROLLBACK"
    ? { type: "end-stage", stage, status: "Failed", result }
    : { type: "end-stage", stage, status: "Failed" };
}

/** Inside a stage: start the next runOrder group, wait for the running one, or end the stage. */
function stageStep(stage: PlanStage, view: StageView, stopping: boolean, execution: ExecutionView): Step {
  const statuses = stage.actions.map((a) => view.actions.get(a.name));
  const running = statuses.includes("InProgress");
  if (statuses.includes("Failed") || statuses.includes("Abandoned")) {
    // A failed action fails its stage once the actions running beside it have ended.
    if (running) return WAIT;
    return stopping ? failed(stage.name, stage.onFailure?.result) : failureStep(stage, execution);
  }
  const orders = [...new Set(stage.actions.map(runOrderOf))].sort((a, b) => a - b);
  const group = orders.find((order) =>
    stage.actions.some((a) => runOrderOf(a) === order && view.actions.get(a.name) !== "Succeeded"),
  );
  if (group === undefined) {
    return stopping
      ? { type: "end-stage", stage: stage.name, status: "Succeeded" }
      : successStep(stage, execution);
  }
  if (running) return WAIT;
  if (stopping) return { type: "end-stage", stage: stage.name, status: "Stopped" };
  const toStart = stage.actions
    .filter((a) => runOrderOf(a) === group && view.actions.get(a.name) === undefined)
    .map((a) => a.name);
  return toStart.length ? { type: "start-actions", stage: stage.name, actions: toStart } : WAIT;
}

/** A stored action execution, as `currentActions` reads it. */
export interface ActionAttempt {
  readonly actionName: string;
  /** The stage attempt the action ran in (1, then one more per retry of the stage). */
  readonly stageAttempt: number;
  readonly status: ActionStatus;
}

/**
 * The actions of a stage as they count in its current attempt: after a retry of FAILED_ACTIONS,
 * actions that succeeded in an earlier attempt keep counting as succeeded and the others start
 * again; after ALL_ACTIONS only the current attempt counts. Absent means not started.
 */
export function currentActions(
  attempts: readonly ActionAttempt[],
  stageAttempt: number,
  retryMode: RetryMode | undefined,
): Map<string, ActionStatus> {
  const latest = new Map<string, ActionAttempt>();
  for (const a of attempts) {
    const seen = latest.get(a.actionName);
    if (!seen || a.stageAttempt >= seen.stageAttempt) latest.set(a.actionName, a);
  }
  const view = new Map<string, ActionStatus>();
  for (const [name, a] of latest) {
    if (a.stageAttempt === stageAttempt) view.set(name, a.status);
    else if (retryMode === "FAILED_ACTIONS" && a.status === "Succeeded") view.set(name, a.status);
  }
  return view;
}

/** An execution that waits to enter a stage. */
export interface Waiter {
  readonly executionId: string;
  /** Order of start: a later execution has a larger value. */
  readonly order: number;
}

/** What to do with the executions waiting at a stage's entrance. */
export interface Admission {
  /** Those that enter now: at most one outside PARALLEL mode. */
  readonly admit: readonly string[];
  /** SUPERSEDED mode: the older waiters, overtaken by a newer one. */
  readonly supersede: readonly string[];
}

/**
 * Who enters a stage, by the pipeline's execution mode: in SUPERSEDED and QUEUED modes a stage
 * holds one execution at a time; SUPERSEDED lets the newest waiter in and supersedes the older
 * ones as soon as a newer one waits beside them, QUEUED lets them in in order of start. PARALLEL
 * executions never wait for each other. A disabled transition holds every waiter.
 */
export function admit(
  mode: "SUPERSEDED" | "QUEUED" | "PARALLEL",
  waiters: readonly Waiter[],
  stageHeld: boolean,
  transitionEnabled: boolean,
): Admission {
  const sorted = [...waiters].sort((a, b) => a.order - b.order);
  const newest = sorted[sorted.length - 1];
  const supersede = mode === "SUPERSEDED" ? sorted.slice(0, -1).map((w) => w.executionId) : ([] as string[]);
  if (!newest || !transitionEnabled) return { admit: [], supersede };
  if (mode === "PARALLEL") return { admit: sorted.map((w) => w.executionId), supersede };
  if (stageHeld) return { admit: [], supersede };
  return { admit: [(mode === "QUEUED" ? sorted[0]! : newest).executionId], supersede };
}
