import { describe, expect, it } from "vitest";
import { DEFAULT_TIMEOUTS_MS, timeoutClassOf } from "./timeouts.js";

describe("action timeouts", () => {
  it("give each action type AWS's quota", () => {
    const of = (type: string) => DEFAULT_TIMEOUTS_MS[timeoutClassOf(type)] / 60_000;
    expect(of("Approval/AWS/Manual/1")).toBe(7 * 24 * 60);
    expect(of("Deploy/Custom/Rocket/1")).toBe(24 * 60);
    expect(of("Build/AWS/CodeBuild/1")).toBe(8 * 60);
    expect(of("Test/AWS/CodeBuild/1")).toBe(8 * 60);
    expect(of("Deploy/AWS/S3/1")).toBe(90);
    expect(of("Deploy/AWS/CodeDeploy/1")).toBe(5 * 24 * 60);
    expect(of("Source/AWS/CodeCommit/1")).toBe(60);
    expect(of("Compute/AWS/Commands/1")).toBe(60);
  });
});
