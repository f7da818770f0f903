import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
} from "@aws-sdk/client-codebuild";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObservedQuery } from "../../src/platform/store/index.js";
import { fullScans } from "../support/query-plans.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";
import { waitForBuild } from "./codebuild-support.js";

const BUILDS = 20;

/**
 * What history costs: with the retention period at 0, a sweep leaves a trivial build's own record
 * (its row and its log) and nothing of the dozen events it emitted.
 */
describe.each(dialects())("retention of a server's history on %s", (dialect) => {
  let server: TestServer;
  let codebuild: CodeBuildClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect, config: { eventRetentionHours: 0 } });
    codebuild = new CodeBuildClient(server.clientConfig);
    await codebuild.send(
      new CreateProjectCommand({
        name: "trivial",
        source: {
          type: "NO_SOURCE",
          buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n",
        },
        artifacts: { type: "NO_ARTIFACTS" },
        environment: {
          type: "LINUX_CONTAINER",
          image: "aws/codebuild/standard:7.0",
          computeType: "BUILD_GENERAL1_SMALL",
        },
        serviceRole: "arn:aws:iam::000000000000:role/codebuild",
      }),
    );
  });
  afterAll(async () => {
    await server.stop();
  });

  /**
   * Bytes of the store's pages that tables and indexes use. SQLite: from dbstat, whole pages, so
   * partly filled ones count in full; pages a sweep frees go to the free list, where the next writes
   * reuse them, and are not counted. PostgreSQL keeps the old versions of updated rows until no
   * snapshot can see them, so how far its files grow during the builds depends on what else held a
   * snapshot meanwhile (on a loaded CI machine, twice as far): VACUUM FULL rewrites each table with
   * its live rows only, so what is counted is what the builds keep. The `events` table (empty after
   * a sweep, checked below) is left out; every other table's heap, TOAST and indexes are counted.
   */
  const usedBytes = async () => {
    if (dialect === "sqlite") {
      const { rows } = await sql<{ bytes: number }>`select sum(pgsize) as bytes from dbstat`.execute(
        server.store.db,
      );
      return Number(rows[0]!.bytes);
    }
    await sql`vacuum full`.execute(server.store.db);
    // Not the events (pruned, and measured by the sweep) nor the subscribers' cursors: one row per
    // subscriber whatever the number of builds, whose updates leave pages for vacuum to reuse.
    const { rows } = await sql<{ bytes: string }>`select sum(pg_total_relation_size(c.oid)) as bytes
      from pg_class c where c.relkind = 'r' and c.relname not in ('events', 'event_subscriptions')
        and c.relnamespace = (select oid from pg_namespace where nspname = current_schema())`.execute(
      server.store.db,
    );
    return Number(rows[0]!.bytes);
  };

  /** Runs BUILDS trivial builds to success; their ids. */
  const runBuilds = async () => {
    const ids: string[] = [];
    for (let i = 0; i < BUILDS; i++) {
      const { build } = await codebuild.send(new StartBuildCommand({ projectName: "trivial" }));
      const done = await waitForBuild(codebuild, build!.id!, undefined, 60_000);
      expect(done.buildStatus).toBe("SUCCEEDED");
      ids.push(build!.id!);
    }
    return ids;
  };

  /** Waits until every subscriber has handled every event, so that all of them may be pruned. */
  const allDelivered = async () => {
    const last = await server.store.db
      .selectFrom("events")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .executeTakeFirst();
    const slowest = await server.store.db
      .selectFrom("event_subscriptions")
      .select((eb) => eb.fn.min("cursor").as("cursor"))
      .executeTakeFirst();
    return Number(slowest?.cursor ?? 0) >= Number(last?.seq ?? 0);
  };

  it("keeps a trivial build under 8 KB once its events are pruned, and the whole build record", async () => {
    if (dialect === "postgres") {
      // A table's first row allocates a heap page and each index's first pages (8 KB each): a few
      // builds first, as on a server that has run a while, so the figure is what builds add.
      await runBuilds();
      await expect.poll(allDelivered, { timeout: 10_000, message: "every event delivered" }).toBe(true);
      await server.retention.sweep();
    }
    const before = await usedBytes();
    const ids = await runBuilds();
    const { builds: beforeSweep } = await codebuild.send(new BatchGetBuildsCommand({ ids }));
    await expect.poll(allDelivered, { timeout: 10_000, message: "every event delivered" }).toBe(true);
    const swept = await server.retention.sweep();
    expect(swept.events).toBeGreaterThanOrEqual(BUILDS * 10);
    expect(await server.store.db.selectFrom("events").select("seq").execute()).toEqual([]);
    const perBuild = ((await usedBytes()) - before) / BUILDS;
    expect(perBuild).toBeLessThan(8 * 1024);
    // BatchGetBuilds answers from the build's own record, not from events: nothing is lost.
    const { builds } = await codebuild.send(new BatchGetBuildsCommand({ ids }));
    expect(builds).toEqual(beforeSweep);
    const first = builds![0]!;
    expect(first.phases?.map((p) => p.phaseType)).toContain("BUILD");
    expect(first.logs?.groupName).toBeDefined();
    expect(first.buildComplete).toBe(true);
  }, 300_000);

  it("prunes the pull request subscriber's handled-event markers past the period", async () => {
    const old = Date.now() - 1000;
    await server.store.db
      .insertInto("codecommit_pull_request_handled_events")
      .values([
        { event_id: "a", handled_at: old },
        { event_id: "b", handled_at: old },
        { event_id: "c", handled_at: Date.now() + 60_000 },
      ])
      .execute();
    const swept = await server.retention.sweep();
    expect(swept.codecommit_pull_request_handled_events).toBe(2);
    const left = await server.store.db
      .selectFrom("codecommit_pull_request_handled_events")
      .select("event_id")
      .execute();
    expect(left).toEqual([{ event_id: "c" }]);
  });
});

describe.each(dialects())("retention sweeps on %s", (dialect) => {
  const seen: ObservedQuery[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      dialect,
      config: { eventRetentionHours: 0 },
      server: { onQuery: (q) => void seen.push(q) },
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it("read and delete each batch through an index", async () => {
    const { store, bus, queue } = server;
    for (let n = 0; n < 3; n++) {
      await bus.emit(store.db, { source: "t", detailType: "T", detail: { n }, account: "0", region: "r" });
    }
    await queue.enqueue(store.db, { kind: "retention.test", maxAttempts: 1 });
    const job = await queue.claim({ kinds: ["retention.test"], owner: "t", leaseMs: 1000 });
    await queue.fail(job!, new Error("dead"));
    await store.db
      .insertInto("codecommit_pull_request_handled_events")
      .values({ event_id: "x", handled_at: 0 })
      .execute();
    const delivered = async () => {
      const cursors = await store.db.selectFrom("event_subscriptions").select("cursor").execute();
      const last = await store.db
        .selectFrom("events")
        .select("seq")
        .orderBy("seq", "desc")
        .limit(1)
        .execute();
      return cursors.length > 0 && cursors.every((c) => Number(c.cursor) >= Number(last[0]?.seq ?? 0));
    };
    await expect.poll(delivered, { timeout: 10_000, message: "events delivered" }).toBe(true);
    seen.length = 0;
    const swept = await server.retention.sweep();
    expect(swept).toMatchObject({ events: 3, jobs: 1, codecommit_pull_request_handled_events: 1 });
    const sweeps = seen.filter((q) => q.label?.startsWith("retention:"));
    expect(new Set(sweeps.map((q) => q.label))).toEqual(
      new Set(["retention:events", "retention:jobs", "retention:codecommit_pull_request_handled_events"]),
    );
    expect(sweeps.some((q) => /^\s*delete/i.test(q.sql))).toBe(true);
    expect(await fullScans(store, sweeps)).toEqual([]);
  });
});
