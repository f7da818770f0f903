import { describe, expect, it } from "vitest";
import {
  admit,
  currentActions,
  nextStep,
  type ActionStatus,
  type ExecutionStatus,
  type PlanStage,
  type StageStatus,
} from "./plan.js";
import type { ConditionView } from "./condition-gate.js";

const STAGES: PlanStage[] = [
  { name: "Source", actions: [{ name: "Src" }] },
  {
    name: "Build",
    actions: [
      { name: "Compile", runOrder: 1 },
      { name: "Lint", runOrder: 1 },
      { name: "Package", runOrder: 2 },
    ],
  },
  { name: "Deploy", actions: [{ name: "Upload" }] },
];

function view(
  status: ExecutionStatus,
  stages: Record<string, [StageStatus, Record<string, ActionStatus>]> = {},
) {
  return {
    status,
    stages: new Map(
      Object.entries(stages).map(([name, [s, actions]]) => [
        name,
        { status: s, actions: new Map(Object.entries(actions)) },
      ]),
    ),
  };
}

describe("nextStep", () => {
  it("enters the first stage, then starts its actions", () => {
    expect(nextStep(STAGES, view("InProgress"))).toEqual({ type: "enter-stage", stage: "Source" });
    expect(nextStep(STAGES, view("InProgress", { Source: ["InProgress", {}] }))).toEqual({
      type: "start-actions",
      stage: "Source",
      actions: ["Src"],
    });
  });

  it("runs actions of equal runOrder together and a higher runOrder after them", () => {
    const building = (actions: Record<string, ActionStatus>) =>
      nextStep(
        STAGES,
        view("InProgress", { Source: ["Succeeded", { Src: "Succeeded" }], Build: ["InProgress", actions] }),
      );
    expect(building({})).toEqual({ type: "start-actions", stage: "Build", actions: ["Compile", "Lint"] });
    expect(building({ Compile: "InProgress", Lint: "InProgress" })).toEqual({ type: "wait" });
    expect(building({ Compile: "Succeeded", Lint: "InProgress" })).toEqual({ type: "wait" });
    expect(building({ Compile: "Succeeded", Lint: "Succeeded" })).toEqual({
      type: "start-actions",
      stage: "Build",
      actions: ["Package"],
    });
    expect(building({ Compile: "Succeeded", Lint: "Succeeded", Package: "Succeeded" })).toEqual({
      type: "end-stage",
      stage: "Build",
      status: "Succeeded",
    });
  });

  it("fails a stage once the actions beside a failed one have ended, and then the execution", () => {
    const at = (actions: Record<string, ActionStatus>, stage: StageStatus = "InProgress") =>
      nextStep(STAGES, view("InProgress", { Source: ["Succeeded", {}], Build: [stage, actions] }));
    expect(at({ Compile: "Failed", Lint: "InProgress" })).toEqual({ type: "wait" });
    expect(at({ Compile: "Failed", Lint: "Succeeded" })).toEqual({
      type: "end-stage",
      stage: "Build",
      status: "Failed",
    });
    expect(at({ Compile: "Failed" }, "Failed")).toEqual({ type: "end-execution", status: "Failed" });
  });

  it("goes on to the next stage and succeeds after the last", () => {
    expect(nextStep(STAGES, view("InProgress", { Source: ["Succeeded", {}] }))).toEqual({
      type: "enter-stage",
      stage: "Build",
    });
    expect(
      nextStep(
        STAGES,
        view("InProgress", {
          Source: ["Succeeded", {}],
          Build: ["Succeeded", {}],
          Deploy: ["Succeeded", {}],
        }),
      ),
    ).toEqual({ type: "end-execution", status: "Succeeded" });
  });

  it("stop and wait: lets running actions end, starts nothing more, then stops", () => {
    const stopping = (actions: Record<string, ActionStatus>) =>
      nextStep(STAGES, view("Stopping", { Source: ["Succeeded", {}], Build: ["InProgress", actions] }));
    expect(stopping({ Compile: "InProgress", Lint: "Succeeded" })).toEqual({ type: "wait" });
    expect(stopping({ Compile: "Succeeded", Lint: "Succeeded" })).toEqual({
      type: "end-stage",
      stage: "Build",
      status: "Stopped",
    });
    expect(nextStep(STAGES, view("Stopping", { Source: ["Succeeded", {}] }))).toEqual({
      type: "end-execution",
      status: "Stopped",
    });
    expect(nextStep(STAGES, view("Stopping"))).toEqual({ type: "end-execution", status: "Stopped" });
  });

  it("does nothing for an execution that is over", () => {
    for (const status of ["Succeeded", "Failed", "Stopped", "Superseded", "Cancelled"] as const) {
      expect(nextStep(STAGES, view(status))).toEqual({ type: "wait" });
    }
  });
});

describe("currentActions", () => {
  const attempts = [
    { actionName: "Compile", stageAttempt: 1, status: "Succeeded" as const },
    { actionName: "Lint", stageAttempt: 1, status: "Failed" as const },
  ];

  it("counts every action of the first attempt", () => {
    expect(currentActions(attempts, 1, undefined)).toEqual(
      new Map([
        ["Compile", "Succeeded"],
        ["Lint", "Failed"],
      ]),
    );
  });

  it("keeps succeeded actions after a retry of FAILED_ACTIONS and starts the failed again", () => {
    expect(currentActions(attempts, 2, "FAILED_ACTIONS")).toEqual(new Map([["Compile", "Succeeded"]]));
    const retried = [...attempts, { actionName: "Lint", stageAttempt: 2, status: "InProgress" as const }];
    expect(currentActions(retried, 2, "FAILED_ACTIONS")).toEqual(
      new Map([
        ["Compile", "Succeeded"],
        ["Lint", "InProgress"],
      ]),
    );
  });

  it("starts every action again after a retry of ALL_ACTIONS", () => {
    expect(currentActions(attempts, 2, "ALL_ACTIONS")).toEqual(new Map());
  });
});

describe("admit", () => {
  const w = (executionId: string, order: number) => ({ executionId, order });

  it("SUPERSEDED: the newest waiter enters a free stage and supersedes the older ones", () => {
    expect(admit("SUPERSEDED", [w("a", 1), w("c", 3), w("b", 2)], false, true)).toEqual({
      admit: ["c"],
      supersede: ["a", "b"],
    });
    expect(admit("SUPERSEDED", [w("a", 1), w("b", 2)], true, true)).toEqual({ admit: [], supersede: ["a"] });
  });

  it("QUEUED: waiters enter one at a time in the order they started, none superseded", () => {
    expect(admit("QUEUED", [w("b", 2), w("a", 1)], false, true)).toEqual({ admit: ["a"], supersede: [] });
    expect(admit("QUEUED", [w("b", 2), w("a", 1)], true, true)).toEqual({ admit: [], supersede: [] });
  });

  it("PARALLEL: everyone enters, whoever else is in the stage", () => {
    expect(admit("PARALLEL", [w("a", 1), w("b", 2)], true, true)).toEqual({
      admit: ["a", "b"],
      supersede: [],
    });
  });

  it("a disabled transition holds every waiter", () => {
    expect(admit("QUEUED", [w("a", 1)], false, false)).toEqual({ admit: [], supersede: [] });
    expect(admit("PARALLEL", [w("a", 1)], false, false)).toEqual({ admit: [], supersede: [] });
    expect(admit("SUPERSEDED", [w("a", 1), w("b", 2)], false, false)).toEqual({
      admit: [],
      supersede: ["a"],
    });
  });
});

describe("nextStep with stage conditions", () => {
  const rule = [{ result: "ROLLBACK" }];
  const gated: PlanStage[] = [
    { name: "Source", actions: [{ name: "Src" }] },
    {
      name: "Deploy",
      actions: [{ name: "Upload" }],
      beforeEntry: { conditions: [{ result: "SKIP" }] },
      onSuccess: { conditions: rule },
      onFailure: { result: "RETRY", conditions: [{}] },
    },
  ];
  const withConditions = (
    v: ReturnType<typeof view>,
    conditions: Record<string, ConditionView["status"] | "due">,
  ) => ({
    ...v,
    conditions: new Map(
      Object.entries(conditions).map(([key, s]) => [
        key,
        s === "due" ? { status: "InProgress" as const, due: true } : { status: s, due: false },
      ]),
    ),
  });
  const sourceDone = view("InProgress", { Source: ["Succeeded", { Src: "Succeeded" }] });

  it("checks beforeEntry before entering, waits while it is in progress, and looks again when due", () => {
    expect(nextStep(gated, sourceDone)).toEqual({
      type: "check-conditions",
      stage: "Deploy",
      condition: "BEFORE_ENTRY",
    });
    expect(nextStep(gated, withConditions(sourceDone, { "Deploy/BEFORE_ENTRY": "InProgress" }))).toEqual({
      type: "wait",
    });
    expect(nextStep(gated, withConditions(sourceDone, { "Deploy/BEFORE_ENTRY": "due" }))).toMatchObject({
      type: "check-conditions",
    });
    expect(nextStep(gated, withConditions(sourceDone, { "Deploy/BEFORE_ENTRY": "Overridden" }))).toEqual({
      type: "enter-stage",
      stage: "Deploy",
    });
    expect(nextStep(gated, withConditions(sourceDone, { "Deploy/BEFORE_ENTRY": "Errored" }))).toEqual({
      type: "refuse-entry",
      stage: "Deploy",
      status: "Skipped",
    });
  });

  it("a skipped stage counts as passed", () => {
    const skipped = view("InProgress", {
      Source: ["Succeeded", { Src: "Succeeded" }],
      Deploy: ["Skipped", {}],
    });
    expect(nextStep(gated, skipped)).toEqual({ type: "end-execution", status: "Succeeded" });
  });

  it("onSuccess decides whether the stage succeeds; onFailure whether its result applies", () => {
    const ran = (upload: ActionStatus) =>
      view("InProgress", {
        Source: ["Succeeded", { Src: "Succeeded" }],
        Deploy: ["InProgress", { Upload: upload }],
      });
    expect(nextStep(gated, ran("Succeeded"))).toMatchObject({
      type: "check-conditions",
      condition: "ON_SUCCESS",
    });
    expect(nextStep(gated, withConditions(ran("Succeeded"), { "Deploy/ON_SUCCESS": "Failed" }))).toEqual({
      type: "end-stage",
      stage: "Deploy",
      status: "Failed",
      result: "ROLLBACK",
    });
    expect(nextStep(gated, ran("Failed"))).toMatchObject({
      type: "check-conditions",
      condition: "ON_FAILURE",
    });
    // Met: the onFailure result (RETRY) applies; unmet: the stage just fails.
    expect(
      nextStep(gated, withConditions(ran("Failed"), { "Deploy/ON_FAILURE": "Succeeded" })),
    ).toMatchObject({
      result: "RETRY",
    });
    expect(nextStep(gated, withConditions(ran("Failed"), { "Deploy/ON_FAILURE": "Failed" }))).toEqual({
      type: "end-stage",
      stage: "Deploy",
      status: "Failed",
    });
  });
});
