import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import type { Store } from "../store/index.js";
import { createQueue, type Queue } from "./index.js";

/** A clock the test moves by hand, so leases and backoff are checked without sleeping. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe.each(dialects())("queue on %s", (dialect) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  async function setup(): Promise<{ store: Store; queue: Queue; clock: ReturnType<typeof manualClock> }> {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    const clock = manualClock();
    // random() = 1 pins the jitter to its top: the delay is exactly base * 2^(attempt-1) (rounded).
    const queue = createQueue({
      store: t.store,
      clock,
      backoff: { baseDelayMs: 1000, maxDelayMs: 3000 },
      random: () => 0.999999,
    });
    return { store: t.store, queue, clock };
  }

  const lease = { kinds: ["k"], leaseMs: 1000 };

  it("claims a due job once, with its payload, and counts the attempt", async () => {
    const { store, queue } = await setup();
    const { id, created } = await queue.enqueue(store.db, { kind: "k", payload: { n: 1 } });
    expect(created).toBe(true);
    const job = await queue.claim({ owner: "a", ...lease });
    expect(job).toMatchObject({ id, kind: "k", payload: { n: 1 }, attempts: 1, leaseOwner: "a" });
    expect(await queue.claim({ owner: "b", ...lease })).toBeUndefined();
    expect(await queue.complete(job!)).toBe(true);
    expect(await queue.get(id)).toBeUndefined();
  });

  it("claims only the kinds asked for, oldest run-at first", async () => {
    const { store, queue, clock } = await setup();
    await queue.enqueue(store.db, { kind: "other" });
    const late = await queue.enqueue(store.db, { kind: "k", runAt: clock.now() - 10 });
    const early = await queue.enqueue(store.db, { kind: "k", runAt: clock.now() - 20 });
    expect((await queue.claim({ owner: "a", ...lease }))?.id).toBe(early.id);
    expect((await queue.claim({ owner: "a", ...lease }))?.id).toBe(late.id);
    expect(await queue.claim({ owner: "a", ...lease })).toBeUndefined();
  });

  it("does not run a timer before its run-at", async () => {
    const { store, queue, clock } = await setup();
    await queue.enqueue(store.db, { kind: "k", runAt: clock.now() + 5000 });
    expect(await queue.claim({ owner: "a", ...lease })).toBeUndefined();
    clock.advance(5000);
    expect(await queue.claim({ owner: "a", ...lease })).toBeDefined();
  });

  it("returns a job whose lease expired, and fences the old holder out", async () => {
    const { store, queue, clock } = await setup();
    await queue.enqueue(store.db, { kind: "k" });
    const first = (await queue.claim({ owner: "a", ...lease }))!;
    clock.advance(999);
    expect(await queue.claim({ owner: "b", ...lease })).toBeUndefined();
    expect(await queue.renew(first, 1000)).toBe(true);
    clock.advance(999);
    expect(await queue.claim({ owner: "b", ...lease })).toBeUndefined();
    clock.advance(2);
    const second = (await queue.claim({ owner: "b", ...lease }))!;
    expect(second).toMatchObject({ id: first.id, attempts: 2, leaseOwner: "b" });
    expect(await queue.renew(first, 1000)).toBe(false);
    expect(await queue.complete(first)).toBe(false);
    expect(await queue.fail(first, new Error("late"))).toEqual({ outcome: "lost" });
    expect(await queue.complete(second)).toBe(true);
  });

  it("fences a worker that re-claims its own expired job", async () => {
    const { store, queue, clock } = await setup();
    await queue.enqueue(store.db, { kind: "k" });
    const first = (await queue.claim({ owner: "a", ...lease }))!;
    clock.advance(1000);
    const again = (await queue.claim({ owner: "a", ...lease }))!;
    expect(again.attempts).toBe(2);
    expect(await queue.complete(first)).toBe(false);
    expect(await queue.complete(again)).toBe(true);
  });

  it("retries a failed job after an exponential backoff, then keeps it as dead", async () => {
    const { store, queue, clock } = await setup();
    const { id } = await queue.enqueue(store.db, { kind: "k", maxAttempts: 3 });
    const expectedDelays = [1000, 2000];
    for (const delay of expectedDelays) {
      const job = (await queue.claim({ owner: "a", ...lease }))!;
      const start = clock.now();
      const result = await queue.fail(job, new Error(`boom ${job.attempts}`));
      expect(result).toEqual({ outcome: "retry", runAt: start + delay });
      clock.advance(delay - 1);
      expect(await queue.claim({ owner: "a", ...lease })).toBeUndefined();
      clock.advance(1);
    }
    const last = (await queue.claim({ owner: "a", ...lease }))!;
    expect(last.lastError).toBe("boom 2");
    expect(await queue.fail(last, new Error("boom 3"))).toEqual({ outcome: "dead" });
    clock.advance(60_000);
    expect(await queue.claim({ owner: "a", ...lease })).toBeUndefined();
    const dead = await queue.get(id);
    expect(dead).toMatchObject({ attempts: 3, lastError: "boom 3", leaseOwner: null });
    expect(dead?.failedAt).toBe(clock.now() - 60_000);
    expect((await queue.listDead()).map((j) => j.id)).toEqual([id]);
  });

  it("caps the backoff and keeps the jitter within half to all of it", async () => {
    const t = await openTestStore(dialect);
    cleanup = t.cleanup;
    const clock = manualClock();
    const queue = createQueue({
      store: t.store,
      clock,
      backoff: { baseDelayMs: 1000, maxDelayMs: 3000 },
      random: () => 0,
    });
    await queue.enqueue(t.store.db, { kind: "k", maxAttempts: 5 });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const job = (await queue.claim({ owner: "a", ...lease }))!;
      const result = await queue.fail(job, new Error("x"));
      if (result.outcome !== "retry") throw new Error(`expected a retry, got ${result.outcome}`);
      delays.push(result.runAt - clock.now());
      clock.advance(10_000);
    }
    expect(delays).toEqual([500, 1000, 1500, 1500]);
  });

  it("marks dead a job whose worker died on its last attempt", async () => {
    const { store, queue, clock } = await setup();
    const { id } = await queue.enqueue(store.db, { kind: "k", maxAttempts: 1 });
    await queue.claim({ owner: "gone", ...lease });
    expect(await queue.reap()).toBe(0);
    clock.advance(1000);
    expect(await queue.claim({ owner: "b", ...lease })).toBeUndefined();
    expect(await queue.reap()).toBe(1);
    const dead = await queue.get(id);
    expect(dead?.failedAt).not.toBeNull();
    expect(dead?.lastError).toContain("lease of gone expired");
  });

  it("de-duplicates by key while the job lives, and frees the key when it completes", async () => {
    const { store, queue } = await setup();
    const first = await queue.enqueue(store.db, { kind: "k", key: "k:1", payload: 1 });
    const dup = await queue.enqueue(store.db, { kind: "k", key: "k:1", payload: 2 });
    expect(dup).toEqual({ id: first.id, created: false });
    const job = (await queue.claim({ owner: "a", ...lease }))!;
    expect(job.payload).toBe(1);
    expect(await queue.enqueue(store.db, { kind: "k", key: "k:1" })).toEqual({
      id: first.id,
      created: false,
    });
    await queue.complete(job);
    const next = await queue.enqueue(store.db, { kind: "k", key: "k:1", payload: 3 });
    expect(next.created).toBe(true);
    expect(next.id).not.toBe(first.id);
  });

  it("replaces a dead job that holds the key", async () => {
    const { store, queue } = await setup();
    const first = await queue.enqueue(store.db, { kind: "k", key: "k:1", maxAttempts: 1 });
    await queue.fail((await queue.claim({ owner: "a", ...lease }))!, new Error("x"));
    const revived = await queue.enqueue(store.db, { kind: "k", key: "k:1", payload: "again" });
    expect(revived).toEqual({ id: first.id, created: true });
    expect(await queue.claim({ owner: "a", ...lease })).toMatchObject({
      payload: "again",
      attempts: 1,
      failedAt: null,
      lastError: null,
    });
  });

  it("enqueues and cancels inside the caller's transaction", async () => {
    const { store, queue } = await setup();
    await expect(
      store.transaction(async (trx) => {
        await queue.enqueue(trx, { kind: "k", key: "t:1" });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await queue.claim({ owner: "a", ...lease })).toBeUndefined();

    await store.transaction((trx) => queue.enqueue(trx, { kind: "k", key: "t:1" }));
    expect(await store.transaction((trx) => queue.cancel(trx, { key: "t:1" }))).toBe(true);
    expect(await queue.cancel(store.db, { key: "t:1" })).toBe(false);
    const { id } = await queue.enqueue(store.db, { kind: "k" });
    expect(await queue.cancel(store.db, { id })).toBe(true);
    expect(await queue.claim({ owner: "a", ...lease })).toBeUndefined();
  });

  it("completes a job atomically with the handler's writes", async () => {
    const { store, queue } = await setup();
    await queue.enqueue(store.db, { kind: "k" });
    const job = (await queue.claim({ owner: "a", ...lease }))!;
    await store.transaction(async (trx) => {
      await queue.enqueue(trx, { kind: "k", key: "follow-up" });
      expect(await queue.complete(job, trx)).toBe(true);
    });
    expect(await queue.complete(job)).toBe(false);
    expect((await queue.claim({ owner: "a", ...lease }))?.key).toBe("follow-up");
  });

  it("tells a cancelled job's holder that its lease is gone", async () => {
    const { store, queue } = await setup();
    const { id } = await queue.enqueue(store.db, { kind: "k" });
    const job = (await queue.claim({ owner: "a", ...lease }))!;
    await queue.cancel(store.db, { id });
    expect(await queue.renew(job, 1000)).toBe(false);
    expect(await queue.complete(job)).toBe(false);
  });

  it("gives a released job back at once, keeping the attempt", async () => {
    const { store, queue } = await setup();
    await queue.enqueue(store.db, { kind: "k" });
    const job = (await queue.claim({ owner: "a", ...lease }))!;
    expect(await queue.release(job)).toBe(true);
    expect(await queue.claim({ owner: "b", ...lease })).toMatchObject({ attempts: 2, leaseOwner: "b" });
  });

  it("rejects a non-positive maxAttempts", async () => {
    const { store, queue } = await setup();
    await expect(queue.enqueue(store.db, { kind: "k", maxAttempts: 0 })).rejects.toThrow(
      "maxAttempts must be a positive integer",
    );
  });
});
