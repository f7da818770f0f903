import { describe, expect, it } from "vitest";
import {
  invalidHealthConstraints,
  nextRolloutStep,
  type MinimumHealthyHosts,
  type RolloutCounts,
} from "./rollout.js";

const ONE_AT_A_TIME: MinimumHealthyHosts = { type: "FLEET_PERCENT", value: 99 };
const HALF_AT_A_TIME: MinimumHealthyHosts = { type: "FLEET_PERCENT", value: 50 };
const ALL_AT_ONCE: MinimumHealthyHosts = { type: "HOST_COUNT", value: 0 };

const counts = (c: Partial<RolloutCounts>): RolloutCounts => ({
  pending: 0,
  inProgress: 0,
  succeeded: 0,
  failed: 0,
  ...c,
});

describe("rollout by minimum healthy hosts", () => {
  it("deploys one at a time, all at once, or half at a time", () => {
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ pending: 3 }))).toEqual({ kind: "start", count: 1 });
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ pending: 2, inProgress: 1 }))).toEqual({ kind: "wait" });
    expect(nextRolloutStep(ALL_AT_ONCE, counts({ pending: 10 }))).toEqual({ kind: "start", count: 10 });
    expect(nextRolloutStep(HALF_AT_A_TIME, counts({ pending: 4 }))).toEqual({ kind: "start", count: 2 });
    expect(nextRolloutStep(HALF_AT_A_TIME, counts({ pending: 2, succeeded: 1, inProgress: 1 }))).toEqual({
      kind: "start",
      count: 1,
    });
    expect(nextRolloutStep({ type: "HOST_COUNT", value: 3 }, counts({ pending: 5 }))).toEqual({
      kind: "start",
      count: 2,
    });
  });

  it("never goes below the minimum and fails once it can no longer be met", () => {
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ pending: 2, failed: 1 }))).toMatchObject({ kind: "fail" });
    // Half of 4 may fail; the third failure breaks the minimum of 2.
    expect(nextRolloutStep(HALF_AT_A_TIME, counts({ pending: 1, failed: 2, succeeded: 1 }))).toEqual({
      kind: "start",
      count: 0 + 1,
    });
    expect(nextRolloutStep(HALF_AT_A_TIME, counts({ failed: 3, succeeded: 1 }))).toMatchObject({
      kind: "fail",
    });
    // With failures, the healthy count left bounds what may start.
    expect(
      nextRolloutStep({ type: "HOST_COUNT", value: 2 }, counts({ pending: 2, failed: 1, inProgress: 1 })),
    ).toEqual({
      kind: "wait",
    });
  });

  it("succeeds when every instance is done and enough succeeded; AllAtOnce needs one", () => {
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ succeeded: 3 }))).toEqual({ kind: "succeed" });
    expect(nextRolloutStep(ALL_AT_ONCE, counts({ succeeded: 1, failed: 2 }))).toEqual({ kind: "succeed" });
    expect(nextRolloutStep(ALL_AT_ONCE, counts({ failed: 3 }))).toMatchObject({ kind: "fail" });
  });

  it("refuses minimums a fleet cannot meet, but lets percentages round up to one at a time", () => {
    expect(invalidHealthConstraints({ type: "HOST_COUNT", value: 3 }, 3)).toMatch(
      /cannot be met by 3 instances/,
    );
    expect(invalidHealthConstraints({ type: "HOST_COUNT", value: 5 }, 3)).toMatch(
      /minimum number of healthy/,
    );
    expect(invalidHealthConstraints(ONE_AT_A_TIME, 3)).toBeUndefined();
    expect(invalidHealthConstraints(ONE_AT_A_TIME, 1)).toBeUndefined();
    expect(invalidHealthConstraints(ALL_AT_ONCE, 1)).toBeUndefined();
  });
});
