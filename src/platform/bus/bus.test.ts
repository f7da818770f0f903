import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { openStore, type Store } from "../store/index.js";
import { EVENTS_CHANNEL } from "./emit.js";
import {
  createBus,
  DeliveryTimeoutError,
  DuplicateSubscriberError,
  type Bus,
  type BusEvent,
  type BusOptions,
  type EmitInput,
} from "./index.js";

/** `expect.poll` options: a generous limit, for a loaded machine, and what was awaited, for a failure. */
const waiting = (what: string, timeout = 10_000) => ({ timeout, message: `waiting for ${what}` });

const event = (source: string, n: number, extra: Partial<EmitInput> = {}): EmitInput => ({
  source,
  detailType: "Test Event",
  detail: { n },
  account: "000000000000",
  region: "us-east-1",
  ...extra,
});

const ns = (events: BusEvent[]) => events.map((e) => e.detail.n);

describe.each(dialects())("bus on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  async function setup(extraStores = 0): Promise<{ stores: Store[] }> {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const stores = [t.store];
    for (let i = 0; i < extraStores; i++) {
      const s = await openStore({ databaseUrl: t.databaseUrl, sqlitePath: t.sqlitePath });
      teardown.push(() => s.close());
      stores.push(s);
    }
    return { stores };
  }

  function bus(store: Store, options: Partial<BusOptions> = {}): Bus {
    const b = createBus({
      store,
      pollMs: 50,
      leaseMs: 500,
      backoff: { baseDelayMs: 20, maxDelayMs: 40 },
      shutdownTimeoutMs: 300,
      ...options,
    });
    teardown.push(() => b.stop());
    return b;
  }

  /** A subscriber's stored cursor, or undefined before it is registered. */
  const storedCursor = async (store: Store, name: string) => {
    const row = await store.db
      .selectFrom("event_subscriptions")
      .select("cursor")
      .where("name", "=", name)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.cursor);
  };

  it("records events in the caller's transaction and delivers them in EventBridge's shape", async () => {
    const { stores } = await setup();
    const store = stores[0]!;
    const b = bus(store);
    const got: BusEvent[] = [];
    b.subscribe("all", async (e) => void got.push(e));
    b.start();
    await expect(
      store.transaction(async (trx) => {
        await b.emit(trx, event("aws.codebuild", 1));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const emitted = await store.transaction((trx) =>
      b.emit(
        trx,
        event("aws.codebuild", 2, { resources: ["arn:aws:codebuild:us-east-1:000000000000:build/p:1"] }),
      ),
    );
    b.notify();
    // An event committed later is delivered after anything that could come before it: once it is
    // here, the rolled-back event can no longer show up.
    const later = await b.emit(store.db, event("aws.codebuild", 3));
    await expect.poll(() => got, waiting("the later event")).toContainEqual(later);
    expect(got).toEqual([emitted, later]);
    expect(Object.keys(got[0]!).sort()).toEqual(
      ["account", "detail", "detail-type", "id", "region", "resources", "source", "time", "version"].sort(),
    );
    expect(got[0]).toMatchObject({
      version: "0",
      source: "aws.codebuild",
      "detail-type": "Test Event",
      account: "000000000000",
      region: "us-east-1",
      resources: ["arn:aws:codebuild:us-east-1:000000000000:build/p:1"],
      detail: { n: 2 },
    });
    expect(got[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(got[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it("delivers every event to every subscriber in order, and applies filters", async () => {
    const { stores } = await setup();
    const store = stores[0]!;
    const b = bus(store);
    const all: BusEvent[] = [];
    const onlyB: BusEvent[] = [];
    b.subscribe("all", async (e) => void all.push(e));
    b.subscribe("only-b", async (e) => void onlyB.push(e), { filter: (e) => e.source === "b" });
    b.start();
    for (let n = 0; n < 30; n++) await b.emit(store.db, event(n % 3 === 0 ? "b" : "a", n));
    await expect.poll(() => all.length, waiting("all events")).toBe(30);
    await expect.poll(() => onlyB.length, waiting("the filtered events")).toBe(10);
    expect(ns(all)).toEqual([...Array(30).keys()]);
    expect(ns(onlyB)).toEqual([...Array(10).keys()].map((i) => i * 3));
  });

  it("resumes where it stopped after a restart, and a new 'latest' subscriber skips history", async () => {
    const { stores } = await setup();
    const store = stores[0]!;
    const first = bus(store);
    const before: BusEvent[] = [];
    first.subscribe("s", async (e) => void before.push(e));
    first.start();
    for (let n = 0; n < 5; n++) await first.emit(store.db, event("a", n));
    await expect.poll(() => before.length, waiting("the first events")).toBe(5);
    await first.stop();
    for (let n = 5; n < 10; n++) await first.emit(store.db, event("a", n));

    const second = bus(store);
    const after: BusEvent[] = [];
    const latest: BusEvent[] = [];
    second.subscribe("s", async (e) => void after.push(e));
    second.subscribe("late", async (e) => void latest.push(e), { startAt: "latest" });
    second.start();
    await expect.poll(() => after.length, waiting("the later events")).toBe(5);
    // 'latest' means the newest event when the subscriber is registered: emit only after that.
    await expect.poll(() => storedCursor(store, "late"), waiting("the 'latest' subscriber")).toBeDefined();
    await second.emit(store.db, event("a", 10));
    await expect.poll(() => after.length, waiting("the newest event")).toBe(6);
    await expect.poll(() => latest.length, waiting("the newest event")).toBe(1);
    expect(ns(after)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(ns(latest)).toEqual([10]);
  });

  it("retries a failing handler with backoff and keeps the order", async () => {
    const { stores } = await setup();
    const store = stores[0]!;
    const b = bus(store);
    const delivered: number[] = [];
    const attempts: number[] = [];
    b.subscribe("flaky", async (e, { attempt }) => {
      if (e.detail.n === 1) {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`not yet (${attempt})`);
      }
      delivered.push(e.detail.n as number);
    });
    for (let n = 0; n < 3; n++) await b.emit(store.db, event("a", n));
    b.start();
    await expect.poll(() => delivered.length, waiting("all events")).toBe(3);
    expect(delivered).toEqual([0, 1, 2]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(await b.deadLetters()).toEqual([]);
  });

  it("dead-letters an event after repeated failures, visibly, and goes on", async () => {
    const { stores } = await setup();
    const store = stores[0]!;
    const b = bus(store, { maxAttempts: 3 });
    const strict: number[] = [];
    const lenient: number[] = [];
    b.subscribe("strict", async (e) => {
      if (e.detail.n === 1) throw new Error("cannot handle 1");
      strict.push(e.detail.n as number);
    });
    b.subscribe("lenient", async (e) => void lenient.push(e.detail.n as number));
    b.start();
    const poison = await b.emit(store.db, event("a", 0)).then(() => b.emit(store.db, event("a", 1)));
    await b.emit(store.db, event("a", 2));
    await expect.poll(() => strict.length, waiting("the events after the poison")).toBe(2);
    await expect.poll(() => lenient.length, waiting("the events after the poison")).toBe(3);
    expect(strict).toEqual([0, 2]);
    expect(lenient).toEqual([0, 1, 2]);
    const dead = await b.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      subscriber: "strict",
      event: poison,
      attempts: 3,
      error: "cannot handle 1",
    });
    expect(await b.deadLetters({ subscriber: "lenient" })).toEqual([]);
  });

  it("fails a delivery that outlives its timeout, aborting its signal, and retries it", async () => {
    const { stores } = await setup();
    const store = stores[0]!;
    const b = bus(store, { handlerTimeoutMs: 150 });
    const reasons: unknown[] = [];
    const delivered: number[] = [];
    b.subscribe("slow", async (e, { attempt, signal }) => {
      if (attempt === 1) {
        await new Promise((resolve) => signal.addEventListener("abort", resolve));
        reasons.push(signal.reason);
        return;
      }
      delivered.push(e.detail.n as number);
    });
    b.start();
    await b.emit(store.db, event("a", 7));
    await expect.poll(() => delivered.length, waiting("the retried delivery")).toBe(1);
    expect(delivered).toEqual([7]);
    expect(reasons[0]).toBeInstanceOf(DeliveryTimeoutError);
  });

  it("lets two dispatchers share a subscriber without duplicates or reordering", async () => {
    const { stores } = await setup(1);
    const got: number[] = [];
    const buses = stores.map((store) => bus(store));
    for (const b of buses) b.subscribe("shared", async (e) => void got.push(e.detail.n as number));
    for (const b of buses) b.start();
    for (let n = 0; n < 40; n++) await buses[n % 2]!.emit(stores[n % 2]!.db, event("a", n));
    await expect.poll(() => got.length, waiting("all events")).toBeGreaterThanOrEqual(40);
    // One more event, delivered after anything still due before it (a duplicate, say).
    await buses[0]!.emit(stores[0]!.db, event("a", 40));
    await expect.poll(() => got, waiting("the last event")).toContain(40);
    expect(got).toEqual([...Array(41).keys()]);
  });

  it("prunes only events that every subscriber has handled", async () => {
    const { stores } = await setup();
    const store = stores[0]!;
    const b = bus(store);
    const got: number[] = [];
    b.subscribe("s", async (e) => {
      if (e.detail.n === 2) await new Promise(() => undefined);
      got.push(e.detail.n as number);
    });
    b.start();
    for (let n = 0; n < 4; n++) await b.emit(store.db, event("a", n));
    const seqs = await store.db.selectFrom("events").select("seq").orderBy("seq").execute();
    await expect.poll(() => got.length, waiting("the first events")).toBe(2);
    // The handler returns before its progress is stored: wait until the cursor is past event 1.
    await expect
      .poll(() => storedCursor(store, "s"), waiting("the stored progress"))
      .toBe(Number(seqs[1]!.seq));
    expect(await b.prune({ before: Date.now() + 1000 })).toBe(2);
    const left = await store.db.selectFrom("events").select("detail").orderBy("seq").execute();
    expect(left.map((r) => (JSON.parse(r.detail) as { n: number }).n)).toEqual([2, 3]);
  });

  it("refuses two subscribers with one name", async () => {
    const { stores } = await setup();
    const b = bus(stores[0]!);
    b.subscribe("s", async () => undefined);
    expect(() => b.subscribe("s", async () => undefined)).toThrow(DuplicateSubscriberError);
  });

  // Registered only on PostgreSQL (not skipped elsewhere), so a skipped test always means a missing server.
  if (dialect === "postgres") {
    it("does not skip an event whose transaction commits after a later one's", async () => {
      const { stores } = await setup();
      const store = stores[0]!;
      const b = bus(store, { pollMs: 20 });
      const got: number[] = [];
      b.subscribe("s", async (e) => void got.push(e.detail.n as number));
      b.start();
      let commitA!: () => void;
      const gate = new Promise<void>((resolve) => (commitA = resolve));
      let emittedA!: () => void;
      const aEmitted = new Promise<void>((resolve) => (emittedA = resolve));
      const a = store.transaction(async (trx) => {
        await b.emit(trx, event("a", 1));
        emittedA();
        await gate;
      });
      await aEmitted;
      await store.transaction((trx) => b.emit(trx, event("a", 2)));
      b.notify();
      await expect.poll(() => got.length, waiting("the event committed first")).toBe(1);
      commitA();
      await a;
      b.notify();
      await expect.poll(() => got.length, waiting("the event committed second")).toBe(2);
      expect(got).toEqual([2, 1]);
    });

    it("wakes a dispatcher in another process through LISTEN/NOTIFY", async () => {
      const t = await openTestStore(dialect);
      teardown.push(t.cleanup);
      const other = await openStore({ databaseUrl: t.databaseUrl });
      teardown.push(() => other.close());
      const listening = bus(other, { pollMs: 600_000, listenUrl: t.databaseUrl });
      const got: number[] = [];
      listening.subscribe("s", async (e) => void got.push(e.detail.n as number));
      listening.start();
      // Emit only once the dispatcher's LISTEN has completed (its session shows it, idle). It starts
      // its catch-up read the moment LISTEN completes, ahead of this emit's round trips, so the event
      // comes through the NOTIFY rather than through that read.
      const listens = async () =>
        Number(
          (
            await sql<{ n: string }>`
              select count(*) as n from pg_stat_activity
              where datname = current_database() and state = 'idle'
                and query = ${`LISTEN "${EVENTS_CHANNEL}"`}`.execute(t.store.db)
          ).rows[0]!.n,
        );
      await expect.poll(listens, waiting("the LISTEN connection")).toBe(1);
      const producer = createBus({ store: t.store });
      await t.store.transaction((trx) => producer.emit(trx, event("a", 1)));
      await expect.poll(() => got, waiting("the notified event")).toEqual([1]);
    });
  }
});
