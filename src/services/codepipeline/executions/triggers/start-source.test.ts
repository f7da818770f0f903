import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../../../test/support/stores.js";
import { createLogger, systemClock } from "../../../../core/index.js";
import { createBus, type BusEvent } from "../../../../platform/bus/index.js";
import { createQueue } from "../../../../platform/queue/index.js";
import type { EnginePipeline, PipelineSource } from "../pipeline-source.js";
import type { ExecutionRuntime } from "../runtime.js";
import { DEFAULT_TIMEOUTS_MS } from "../timeouts.js";
import { createPullRequestHandler } from "./pull-request.js";
import { createObjectCreatedHandler } from "./s3-object.js";

// Handlers against a real store: what they start, and that an event delivered twice starts once.

const SCOPE = { accountId: "000000000000", region: "us-east-1" };

function action(name: string, provider: string, configuration: Record<string, string>) {
  return {
    name,
    actionTypeId: { category: "Source", owner: "AWS", provider, version: "1" },
    configuration,
    outputArtifacts: [{ name: `${name}Out` }],
  };
}

const s3Pipeline: EnginePipeline = {
  name: "from-s3",
  artifactStore: { type: "S3", location: "artifacts" },
  stages: [
    { name: "Source", actions: [action("Fetch", "S3", { S3Bucket: "src", S3ObjectKey: "app.zip" })] },
    { name: "Next", actions: [] },
  ],
};

const prPipeline: EnginePipeline = {
  name: "from-pr",
  pipelineType: "V2",
  artifactStore: { type: "S3", location: "artifacts" },
  stages: [
    {
      name: "Source",
      actions: [action("Checkout", "CodeCommit", { RepositoryName: "app", BranchName: "main" })],
    },
    { name: "Next", actions: [] },
  ],
  triggers: [
    {
      providerType: "CodeStarSourceConnection",
      gitConfiguration: {
        sourceActionName: "Checkout",
        pullRequest: [{ events: ["OPEN"], branches: { includes: ["main"] } }],
      },
    },
  ],
};

function event(id: string, source: string, detailType: string, detail: Record<string, unknown>): BusEvent {
  return {
    version: "0",
    id,
    "detail-type": detailType,
    source,
    account: SCOPE.accountId,
    time: "2026-01-01T00:00:00Z",
    region: SCOPE.region,
    resources: [],
    detail,
  };
}

const objectCreated = (id: string, bucket: string, key: string, etag: string) =>
  event(id, "pipewright.s3", "Object Created", { bucket: { name: bucket }, object: { key, etag } });

describe.each(dialects())("change detection handlers on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  async function runtime(): Promise<ExecutionRuntime> {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const versions = new Map([s3Pipeline, prPipeline].map((p) => [p.name, p]));
    // Listed when changes are matched, deleted by the time one starts it.
    const deleted: EnginePipeline = { ...s3Pipeline, name: "deleted" };
    const head = (_trx: unknown, _scope: unknown, name: string) =>
      Promise.resolve(versions.has(name) ? { version: 1, created: 0, updated: 0 } : undefined);
    const pipelines: PipelineSource = {
      lock: head,
      head,
      current: () => Promise.resolve([deleted, ...versions.values()]),
      declaration: (_trx, _scope, name) => Promise.resolve(versions.get(name)),
    };
    return {
      store: t.store,
      queue: createQueue({ store: t.store }),
      bus: createBus({ store: t.store }),
      clock: systemClock,
      logger: createLogger({ level: "silent" }),
      pipelines,
      providers: {},
      timeoutsMs: DEFAULT_TIMEOUTS_MS,
    };
  }

  const executions = (rt: ExecutionRuntime, pipeline: string) =>
    rt.store.db
      .selectFrom("codepipeline_executions")
      .select(["trigger_type", "trigger_detail", "source_revisions"])
      .where("pipeline_name", "=", pipeline)
      .orderBy("ordinal")
      .execute();

  it("starts one execution per object written to the watched key, even when an event comes twice", async () => {
    const rt = await runtime();
    const handle = createObjectCreatedHandler(rt);
    await handle(objectCreated("e1", "src", "app.zip", "etag-1"));
    await handle(objectCreated("e1", "src", "app.zip", "etag-1"));
    // The deleted pipeline started nothing, and did not keep the others from starting.
    expect(await executions(rt, "deleted")).toEqual([]);
    // Artifacts the pipeline writes, and other keys, start nothing.
    await handle(objectCreated("e2", "artifacts", "from-s3/FetchOut/abc.zip", "etag-2"));
    await handle(objectCreated("e3", "src", "app.zip.bak", "etag-3"));
    await handle(objectCreated("e4", "src", "app.zip", "etag-4"));
    const started = await executions(rt, "from-s3");
    expect(started.map((e) => JSON.parse(e.source_revisions) as unknown)).toEqual([
      [{ actionName: "Fetch", revisionType: "S3_OBJECT_VERSION_ID", revisionValue: "etag-1" }],
      [{ actionName: "Fetch", revisionType: "S3_OBJECT_VERSION_ID", revisionValue: "etag-4" }],
    ]);
    expect(started[0]).toMatchObject({ trigger_type: "CloudWatchEvent", trigger_detail: "arn:aws:s3:::src" });
    expect(await executions(rt, "from-pr")).toEqual([]);
  });

  it("starts one execution per pull request event its filter passes, with the source commit", async () => {
    const rt = await runtime();
    const handle = createPullRequestHandler(rt, undefined);
    const pr = (id: string, kind: string, destination: string) =>
      event(id, "aws.codecommit", "CodeCommit Pull Request State Change", {
        event: kind,
        repositoryNames: ["app"],
        pullRequestId: "1",
        destinationReference: `refs/heads/${destination}`,
        sourceCommit: "a".repeat(40),
        destinationCommit: "b".repeat(40),
      });
    await handle(pr("p1", "pullRequestCreated", "main"));
    await handle(pr("p1", "pullRequestCreated", "main"));
    await handle(pr("p2", "pullRequestCreated", "dev"));
    await handle(pr("p3", "pullRequestSourceBranchUpdated", "main"));
    const started = await executions(rt, "from-pr");
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({
      trigger_type: "WebhookV2",
      trigger_detail: "arn:aws:codecommit:us-east-1:000000000000:app",
    });
    expect(JSON.parse(started[0]!.source_revisions)).toEqual([
      { actionName: "Checkout", revisionType: "COMMIT_ID", revisionValue: "a".repeat(40) },
    ]);
  });
});
