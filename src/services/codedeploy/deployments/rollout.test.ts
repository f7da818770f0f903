import { describe, expect, it } from "vitest";
import {
  invalidHealthConstraints,
  nextRolloutStep,
  type MinimumHealthyHosts,
  type RolloutCounts,
} from "./rollout.js";

const ONE_AT_A_TIME: MinimumHealthyHosts = { type: "MOST_CONCURRENCY", value: 1 };
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
    // One at a time: a failure before the last instance fails the deployment.
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ pending: 2, failed: 1 }))).toMatchObject({ kind: "fail" });
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ pending: 1, succeeded: 1, failed: 1 }))).toMatchObject({
      kind: "fail",
    });
    // AWS's example: 85 % of 10 must stay healthy, so a single failure ends the deployment.
    expect(
      nextRolloutStep({ type: "FLEET_PERCENT", value: 85 }, counts({ pending: 9, failed: 1 })),
    ).toMatchObject({ kind: "fail" });
    // Half of 4: after one failure, the others still go one by one.
    expect(nextRolloutStep(HALF_AT_A_TIME, counts({ pending: 1, failed: 1, succeeded: 2 }))).toEqual({
      kind: "start",
      count: 1,
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
    // AWS's example: HOST_COUNT 6 of 9 deploys 3 at a time; FLEET_PERCENT 40 of 9 deploys 5.
    expect(nextRolloutStep({ type: "HOST_COUNT", value: 6 }, counts({ pending: 9 }))).toEqual({
      kind: "start",
      count: 3,
    });
    expect(nextRolloutStep({ type: "FLEET_PERCENT", value: 40 }, counts({ pending: 9 }))).toEqual({
      kind: "start",
      count: 5,
    });
  });

  it("succeeds when every instance is done and enough succeeded; AllAtOnce needs one", () => {
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ succeeded: 3 }))).toEqual({ kind: "succeed" });
    // One at a time keeps all but one healthy: the last instance may fail (AWS documents it).
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ succeeded: 2, failed: 1 }))).toEqual({ kind: "succeed" });
    expect(nextRolloutStep(ONE_AT_A_TIME, counts({ failed: 1 }))).toMatchObject({ kind: "fail" });
    expect(nextRolloutStep(HALF_AT_A_TIME, counts({ succeeded: 2, failed: 2 }))).toEqual({ kind: "succeed" });
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
