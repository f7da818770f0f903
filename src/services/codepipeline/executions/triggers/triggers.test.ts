import { describe, expect, it } from "vitest";
import type { BusEvent } from "../../../../platform/bus/index.js";
import type { EnginePipeline } from "../pipeline-source.js";
import { filterGlobMatches, MAX_ALTERNATIVES, passes } from "./filters.js";
import {
  pullRequestChangeOf,
  pullRequestMatches,
  triggerEventOf,
  type PullRequestChange,
  type PullRequestTriggerEvent,
} from "./pull-request.js";
import { pushMatches } from "./push.js";
import { createdObjectOf } from "./s3-object.js";

function event(source: string, detailType: string, detail: Record<string, unknown>): BusEvent {
  return {
    version: "0",
    id: "e-1",
    "detail-type": detailType,
    source,
    account: "000000000000",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [],
    detail,
  };
}

const checkout = {
  name: "Checkout",
  actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
  configuration: { RepositoryName: "app", BranchName: "main" },
};

function withTriggers(triggers: EnginePipeline["triggers"]): EnginePipeline {
  return { name: "p", pipelineType: "V2", stages: [{ name: "Source", actions: [checkout] }], triggers };
}

describe("trigger filter globs", () => {
  it("matches *, **, ? and {a,b} as the user guide describes them", () => {
    expect(filterGlobMatches("release/*", "release/1.0")).toBe(true);
    expect(filterGlobMatches("release/*", "release/1.0/hotfix")).toBe(false);
    expect(filterGlobMatches("release/**", "release/1.0/hotfix")).toBe(true);
    expect(filterGlobMatches("src/**/*.md", "src/a.md")).toBe(true);
    expect(filterGlobMatches("src/**/*.md", "src/x/y/a.md")).toBe(true);
    expect(filterGlobMatches("**/*.md", "a.md")).toBe(true);
    expect(filterGlobMatches("src/**/*.md", "src.md")).toBe(false);
    expect(filterGlobMatches("v?", "v1")).toBe(true);
    expect(filterGlobMatches("{main,dev}", "dev")).toBe(true);
    expect(filterGlobMatches("main", "main2")).toBe(false);
    expect(filterGlobMatches("a.b", "axb")).toBe(false);
  });

  it("expands braces, nested too, and takes unbalanced or exploding braces literally", () => {
    expect(filterGlobMatches("src/{a,b{c,d}}/*.ts", "src/bd/x.ts")).toBe(true);
    expect(filterGlobMatches("src/{a,b{c,d}}/*.ts", "src/b/x.ts")).toBe(false);
    expect(filterGlobMatches("{a,b", "{a,b")).toBe(true);
    expect(filterGlobMatches("a}", "a}")).toBe(true);
    expect(filterGlobMatches("main,dev", "dev")).toBe(false);
    const exploding = "{a,b}".repeat(MAX_ALTERNATIVES.toString(2).length);
    expect(filterGlobMatches(exploding, "a".repeat(MAX_ALTERNATIVES.toString(2).length))).toBe(false);
    expect(filterGlobMatches(exploding, exploding)).toBe(true);
  });

  it("matches a hostile pattern against a long path without backtracking", () => {
    // As a regular expression, 8 `**a` against 60 characters took 24 s and held the event loop.
    const pattern = "**a".repeat(80) + "b";
    const path = "a/".repeat(2000);
    expect(filterGlobMatches(pattern, path)).toBe(false);
    expect(filterGlobMatches("**a".repeat(80), path.slice(0, -1))).toBe(true);
    expect(filterGlobMatches("*".repeat(200) + "x", "y".repeat(4000))).toBe(false);
  });

  it("excludes win over includes, and excludes alone keep everything else", () => {
    expect(passes({ includes: ["**"], excludes: ["docs/**"] }, ["docs/a.md"])).toBe(false);
    expect(passes({ includes: ["**"], excludes: ["docs/**"] }, ["docs/a.md", "src/a.ts"])).toBe(true);
    expect(passes({ excludes: ["docs/**"] }, ["docs/a.md"])).toBe(false);
    expect(passes({ excludes: ["docs/**"] }, ["README.md"])).toBe(true);
    expect(passes(undefined, [])).toBe(true);
  });
});

describe("pull request events", () => {
  const detail = (extra: Record<string, unknown>) => ({
    repositoryNames: ["app"],
    pullRequestId: "7",
    destinationReference: "refs/heads/release/1.0",
    sourceReference: "refs/heads/feature",
    sourceCommit: "a".repeat(40),
    destinationCommit: "b".repeat(40),
    mergeBase: "c".repeat(40),
    ...extra,
  });

  it("maps CodeCommit's pull request events to OPEN, UPDATED and CLOSED", () => {
    expect(triggerEventOf({ event: "pullRequestCreated" })).toBe("OPEN");
    expect(triggerEventOf({ event: "pullRequestSourceBranchUpdated" })).toBe("UPDATED");
    expect(triggerEventOf({ event: "pullRequestStatusChanged", pullRequestStatus: "Closed" })).toBe("CLOSED");
    expect(triggerEventOf({ event: "pullRequestMergeStatusUpdated", isMerged: "True" })).toBe("CLOSED");
    expect(triggerEventOf({ event: "pullRequestMergeStatusUpdated", isMerged: "False" })).toBeUndefined();
    expect(triggerEventOf({ event: "pullRequestApprovalStateChanged" })).toBeUndefined();
    expect(triggerEventOf({ event: "pullRequestApprovalRuleCreated" })).toBeUndefined();
  });

  it("reads the destination branch and the commits from the event", () => {
    const change = pullRequestChangeOf(
      event(
        "aws.codecommit",
        "CodeCommit Pull Request State Change",
        detail({ event: "pullRequestCreated" }),
      ),
    );
    expect(change).toEqual({
      event: "OPEN",
      pullRequestId: "7",
      repositoryName: "app",
      destinationBranch: "release/1.0",
      sourceCommit: "a".repeat(40),
      destinationCommit: "b".repeat(40),
      mergeBase: "c".repeat(40),
    });
  });

  it("ignores other sources, other detail types and events missing what a start needs", () => {
    const created = detail({ event: "pullRequestCreated" });
    expect(
      pullRequestChangeOf(event("pipewright.other", "CodeCommit Pull Request State Change", created)),
    ).toBe(undefined);
    expect(pullRequestChangeOf(event("aws.codecommit", "CodeCommit Repository State Change", created))).toBe(
      undefined,
    );
    const { sourceCommit: _s, ...noCommit } = created;
    expect(
      pullRequestChangeOf(event("aws.codecommit", "CodeCommit Pull Request State Change", noCommit)),
    ).toBeUndefined();
  });
});

describe("pull request filters", () => {
  const change = (ev: PullRequestTriggerEvent, destinationBranch = "main"): PullRequestChange => ({
    event: ev,
    pullRequestId: "1",
    repositoryName: "app",
    destinationBranch,
    sourceCommit: "a".repeat(40),
    destinationCommit: "b".repeat(40),
  });
  const pipeline = (filter: Record<string, unknown>) =>
    withTriggers([
      {
        providerType: "CodeStarSourceConnection",
        gitConfiguration: { sourceActionName: "Checkout", pullRequest: [filter] },
      },
    ]);
  const files =
    (...paths: string[]) =>
    () =>
      Promise.resolve(paths);

  it("passes the events named, all three when none are", async () => {
    const onlyClosed = pipeline({ events: ["CLOSED"], branches: { includes: ["main"] } });
    expect(await pullRequestMatches(onlyClosed, checkout, change("OPEN"), files("a"))).toBe(false);
    expect(await pullRequestMatches(onlyClosed, checkout, change("CLOSED"), files("a"))).toBe(true);
    const any = pipeline({ branches: { includes: ["main"] } });
    for (const ev of ["OPEN", "UPDATED", "CLOSED"] as const)
      expect(await pullRequestMatches(any, checkout, change(ev), files("a"))).toBe(true);
  });

  it("filters on the destination branch and on the files the pull request changes", async () => {
    const p = pipeline({
      events: ["OPEN"],
      branches: { includes: ["release/**"], excludes: ["release/old/**"] },
      filePaths: { includes: ["src/**"], excludes: ["src/**/*.md"] },
    });
    expect(await pullRequestMatches(p, checkout, change("OPEN", "release/2"), files("src/a.ts"))).toBe(true);
    expect(await pullRequestMatches(p, checkout, change("OPEN", "main"), files("src/a.ts"))).toBe(false);
    expect(await pullRequestMatches(p, checkout, change("OPEN", "release/old/1"), files("src/a.ts"))).toBe(
      false,
    );
    expect(await pullRequestMatches(p, checkout, change("OPEN", "release/2"), files("src/a.md"))).toBe(false);
    expect(await pullRequestMatches(p, checkout, change("OPEN", "release/2"), files("docs/a.ts"))).toBe(
      false,
    );
  });

  it("does not read the changed files when the branch already fails", async () => {
    const p = pipeline({ branches: { includes: ["main"] }, filePaths: { includes: ["**"] } });
    const never = () => Promise.reject(new Error("files read"));
    expect(await pullRequestMatches(p, checkout, change("OPEN", "dev"), never)).toBe(false);
  });

  it("a trigger with only pull request filters is not started by pushes", async () => {
    const p = pipeline({ branches: { includes: ["main"] } });
    const push = {
      repositoryName: "app",
      referenceType: "branch",
      referenceName: "main",
      commitId: "a",
    } as const;
    expect(await pushMatches(p, checkout, push, files("a"))).toBe(false);
    const plain = withTriggers(undefined);
    expect(await pushMatches(plain, checkout, push, files("a"))).toBe(true);
  });
});

describe("S3 object events", () => {
  const detail = { bucket: { name: "src" }, object: { key: "a/b.zip", etag: "abc", size: 1 } };

  it("reads bucket, key and ETag from Pipewright's own object-created event only", () => {
    expect(createdObjectOf(event("pipewright.s3", "Object Created", detail))).toEqual({
      bucket: "src",
      key: "a/b.zip",
      etag: "abc",
    });
    // Only the event this server's S3 records in the commit starts pipelines.
    expect(createdObjectOf(event("aws.s3", "Object Created", detail))).toBeUndefined();
    expect(createdObjectOf(event("pipewright.s3", "Object Deleted", detail))).toBeUndefined();
    expect(createdObjectOf(event("pipewright.s3", "Object Created", { bucket: "src" }))).toBeUndefined();
  });
});
