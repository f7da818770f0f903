import { describe, expect, it } from "vitest";
import type { BusEvent } from "../../platform/bus/index.js";
import { consoleChangeOf } from "./changes.js";

function event(source: string, detail: Record<string, unknown>, resources: string[]): BusEvent {
  return {
    version: "0",
    id: "1",
    "detail-type": "x",
    source,
    account: "000000000000",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources,
    detail,
  };
}

describe("consoleChangeOf", () => {
  const group = "arn:aws:codedeploy:us-east-1:000000000000:deploymentgroup:app/prod";
  it("names the resource of each service's events, with the read permission it needs", () => {
    expect(
      consoleChangeOf(
        event(
          "pipewright.codedeploy",
          { deploymentId: "d-1", application: "app", deploymentGroup: "prod", logTail: "secret" },
          ["arn:aws:codedeploy:us-east-1:000000000000:instance/web-1", "arn:…:application:app", group],
        ),
      ),
    ).toEqual({
      change: { service: "codedeploy", deploymentId: "d-1", application: "app", deploymentGroup: "prod" },
      action: "codedeploy:GetDeployment",
      resource: group,
    });
    expect(
      consoleChangeOf(event("aws.codecommit", { repositoryNames: ["repo"] }, ["arn:repo"]))?.change,
    ).toEqual({ service: "codecommit", repository: "repo" });
    expect(consoleChangeOf(event("aws.codepipeline", { pipeline: "p" }, ["arn:p"]))?.action).toBe(
      "codepipeline:GetPipelineState",
    );
  });

  it("ignores events no page shows, and events missing what they should name", () => {
    expect(consoleChangeOf(event("aws.s3", { bucket: "b" }, ["arn:b"]))).toBeUndefined();
    expect(consoleChangeOf(event("aws.codebuild", { "project-name": "p" }, ["arn:b"]))).toBeUndefined();
    expect(
      consoleChangeOf(event("aws.codebuild", { "project-name": 1, "build-id": {} }, ["a"])),
    ).toBeUndefined();
    expect(consoleChangeOf(event("aws.codepipeline", { pipeline: "p" }, []))).toBeUndefined();
    expect(consoleChangeOf(event("aws.codecommit", { repositoryNames: "x" }, ["a"]))).toBeUndefined();
  });
});
