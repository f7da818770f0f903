import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { createLogger } from "../../core/index.js";
import { createBus, type Bus } from "../bus/index.js";
import { createQueue } from "../queue/index.js";
import type { Store } from "../store/index.js";
import { createRetentionSweeper, type Pruner } from "./index.js";

const logger = createLogger({ level: "silent" });
const waiting = (what: string) => ({ timeout: 10_000, message: `waiting for ${what}` });

/** A clock the test moves by hand: event times and deaths are placed exactly. */
function manualClock(start = Date.now()) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A pruner that records the size of each batch it deleted. */
function counted(pruner: Pruner): Pruner & { batches: number[] } {
  const batches: number[] = [];
  return {
    name: pruner.name,
    batches,
    async pruneBatch(before, limit) {
      const n = await pruner.pruneBatch(before, limit);
      batches.push(n);
      return n;
    },
  };
}

const eventsPruner = (bus: Bus): Pruner => ({
  name: "events",
  pruneBatch: (before, limit) => bus.prune({ before, limit }),
});

describe.each(dialects())("retention on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  async function setup() {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const clock = manualClock();
    const bus = (name = "s", handler: (n: number) => Promise<void> = async () => undefined) => {
      const b = createBus({ store: t.store, clock, pollMs: 20, shutdownTimeoutMs: 200 });
      b.subscribe(name, async (e) => handler(e.detail.n as number));
      teardown.push(() => b.stop());
      return b;
    };
    /** Emits events n = from…to-1, one simulated second apart. */
    const emit = async (b: Bus, from: number, to: number) => {
      for (let n = from; n < to; n++) {
        await b.emit(t.store.db, { source: "t", detailType: "T", detail: { n }, account: "0", region: "r" });
        clock.advance(1000);
      }
    };
    const left = async () =>
      (await t.store.db.selectFrom("events").select("detail").orderBy("seq").execute()).map(
        (r) => (JSON.parse(r.detail) as { n: number }).n,
      );
    return { store: t.store, clock, bus, emit, left };
  }

  const cursorOf = async (store: Store, name: string) =>
    Number(
      (
        await store.db
          .selectFrom("event_subscriptions")
          .select("cursor")
          .where("name", "=", name)
          .executeTakeFirst()
      )?.cursor ?? -1,
    );
  const seqOf = async (store: Store, n: number) => {
    const rows = await store.db.selectFrom("events").select(["seq", "detail"]).execute();
    return Number(rows.find((r) => (JSON.parse(r.detail) as { n: number }).n === n)?.seq);
  };

  it("deletes handled events in batches and keeps every event a subscriber has not handled", async () => {
    const { store, clock, bus, emit, left } = await setup();
    // The subscriber is stuck on event 10: it and everything after must stay.
    const b = bus("s", (n) => (n === 10 ? new Promise(() => undefined) : Promise.resolve()));
    b.start();
    await emit(b, 0, 14);
    const tenth = await seqOf(store, 9);
    await expect.poll(() => cursorOf(store, "s"), waiting("events 0-9 handled")).toBe(tenth);
    const events = counted(eventsPruner(b));
    const sweeper = createRetentionSweeper({
      pruners: [events],
      retentionMs: 0,
      batchSize: 4,
      clock,
      logger,
    });
    expect(await sweeper.sweep()).toEqual({ events: 10 });
    expect(events.batches).toEqual([4, 4, 2]);
    expect(await left()).toEqual([10, 11, 12, 13]);
    await sweeper.stop();
  });

  it("keeps handled events younger than the retention period", async () => {
    const { store, clock, bus, emit, left } = await setup();
    const b = bus();
    b.start();
    await emit(b, 0, 6);
    const last = await seqOf(store, 5);
    await expect.poll(() => cursorOf(store, "s"), waiting("every event handled")).toBe(last);
    // Emitted at t, t+1 s … t+5 s; the clock is at t+6 s: keeping 3.5 s leaves events 3, 4 and 5.
    const sweeper = createRetentionSweeper({ pruners: [eventsPruner(b)], retentionMs: 3500, clock, logger });
    expect(await sweeper.sweep()).toEqual({ events: 3 });
    expect(await left()).toEqual([3, 4, 5]);
  });

  it("waits for a subscriber that has stored no progress, not for one this program no longer runs", async () => {
    const { store, clock, bus, emit, left } = await setup();
    // A subscriber of an older program version, stopped at the beginning: not waited for.
    await store.db
      .insertInto("event_subscriptions")
      .values({
        name: "gone",
        cursor: 0,
        attempts: 0,
        last_error: null,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: 0,
      })
      .execute();
    const running = bus("s");
    running.start();
    await emit(running, 0, 3);
    const last = await seqOf(store, 2);
    await expect.poll(() => cursorOf(store, "s"), waiting("every event handled")).toBe(last);
    // A new subscriber, registered but not started: it may start from the first event, so nothing goes.
    const upgraded = bus("s");
    upgraded.subscribe("new", async () => undefined);
    expect(await upgraded.prune({ before: clock.now() })).toBe(0);
    expect(await left()).toEqual([0, 1, 2]);
    expect(await running.prune({ before: clock.now() })).toBe(3);
    expect(await left()).toEqual([]);
  });

  it("deletes dead jobs past the period, never live ones or a revived one", async () => {
    const { store, clock } = await setup();
    const queue = createQueue({ store, clock });
    const kill = async (key?: string) => {
      const { id } = await queue.enqueue(store.db, { kind: "k", maxAttempts: 1, ...(key ? { key } : {}) });
      const job = await queue.claim({ kinds: ["k"], owner: "w", leaseMs: 1000 });
      expect(job?.id).toBe(id);
      expect(await queue.fail(job!, new Error("boom"))).toEqual({ outcome: "dead" });
      clock.advance(1000);
      return id;
    };
    const old = [await kill(), await kill(), await kill("timer")];
    // The keyed dead job is scheduled again: it is live now, whatever its age.
    const revived = await queue.enqueue(store.db, { kind: "k", key: "timer", runAt: clock.now() + 60_000 });
    const cutoff = clock.now();
    const young = await kill();
    const waitingJob = (await queue.enqueue(store.db, { kind: "other" })).id;
    const jobs = counted({ name: "jobs", pruneBatch: (before, limit) => queue.pruneDead({ before, limit }) });
    const sweeper = createRetentionSweeper({
      pruners: [jobs],
      retentionMs: clock.now() - cutoff,
      batchSize: 1,
      clock,
      logger,
    });
    expect(await sweeper.sweep()).toEqual({ jobs: 2 });
    expect(jobs.batches).toEqual([1, 1, 0]);
    for (const id of old.slice(0, 2)) expect(await queue.get(id)).toBeUndefined();
    expect(revived.id).toBe(old[2]);
    expect((await queue.get(revived.id))?.failedAt).toBeNull();
    expect((await queue.get(young))?.failedAt).not.toBeNull();
    expect(await queue.get(waitingJob)).toBeDefined();
  });
});

describe("retention sweeper", () => {
  it("goes on with the other tables when one fails, and stops between batches", async () => {
    let batches = 0;
    const endless: Pruner = { name: "endless", pruneBatch: async (_, limit) => (batches++, limit) };
    const broken: Pruner = {
      name: "broken",
      pruneBatch: () => Promise.reject(new Error("no such table")),
    };
    let after = 0;
    const last: Pruner = { name: "last", pruneBatch: async () => (after++, 0) };
    const sweeper = createRetentionSweeper({ pruners: [broken, endless, last], retentionMs: 0, logger });
    const sweep = sweeper.sweep();
    await expect.poll(() => batches, waiting("a few batches")).toBeGreaterThan(3);
    await sweeper.stop();
    const result = await sweep;
    const stoppedAt = batches;
    expect(result.endless).toBe(stoppedAt * 500);
    expect(result.broken).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toBe(stoppedAt);
    expect(after).toBe(0);
  });

  it("sweeps on its schedule once started", async () => {
    let calls = 0;
    const sweeper = createRetentionSweeper({
      pruners: [{ name: "p", pruneBatch: async () => (calls++, 0) }],
      retentionMs: 0,
      firstSweepMs: 1,
      intervalMs: 5,
      logger,
    });
    sweeper.start();
    await expect.poll(() => calls, waiting("three sweeps")).toBeGreaterThanOrEqual(3);
    await sweeper.stop();
    const stopped = calls;
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(stopped);
  });
});
