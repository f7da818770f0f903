import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { openStore, type Store } from "../store/index.js";
import {
  createQueue,
  createWorker,
  LeaseLostError,
  type Job,
  type Queue,
  type QueueWorker,
} from "./index.js";

/** `expect.poll` options: a generous limit, for a loaded machine, and what was awaited, for a failure. */
const waiting = (what: string, timeout = 10_000) => ({ timeout, message: `waiting for ${what}` });

describe.each(dialects())("worker on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  /** The test store plus `extra` more connections to the same database, as other processes would have. */
  async function setup(extra = 0): Promise<{ stores: Store[]; queues: Queue[]; databaseUrl?: string }> {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const stores = [t.store];
    for (let i = 0; i < extra; i++) {
      const s = await openStore({ databaseUrl: t.databaseUrl, sqlitePath: t.sqlitePath });
      teardown.push(() => s.close());
      stores.push(s);
    }
    const queues = stores.map((store) =>
      createQueue({ store, backoff: { baseDelayMs: 20, maxDelayMs: 50 } }),
    );
    return { stores, queues, databaseUrl: t.databaseUrl };
  }

  function start(worker: QueueWorker): QueueWorker {
    worker.start();
    teardown.push(() => worker.stop());
    return worker;
  }

  const remaining = async (store: Store) =>
    Number(
      (
        await store.db
          .selectFrom("jobs")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("runs jobs, retries a failing one, and completes it", async () => {
    const { stores, queues } = await setup();
    const [store, queue] = [stores[0]!, queues[0]!];
    const seen: unknown[] = [];
    let failures = 0;
    start(
      createWorker({
        queue,
        pollMs: 50,
        leaseMs: 500,
        handlers: {
          echo: async (job) => void seen.push(job.payload),
          flaky: async (job) => {
            if (job.attempts < 3) {
              failures++;
              throw new Error(`attempt ${job.attempts} failed`);
            }
            seen.push("flaky done");
          },
        },
      }),
    );
    await queue.enqueue(store.db, { kind: "echo", payload: { a: 1 } });
    await queue.enqueue(store.db, { kind: "flaky" });
    await expect.poll(() => remaining(store), waiting("both jobs")).toBe(0);
    expect(seen).toContainEqual({ a: 1 });
    expect(seen).toContain("flaky done");
    expect(failures).toBe(2);
  });

  it("never runs the same job in two workers at once, and runs every job once", async () => {
    const { stores, queues } = await setup(1);
    const running = new Set<number>();
    const runs = new Map<number, number>();
    const overlaps: number[] = [];
    const handler = async (job: { id: number }) => {
      if (running.has(job.id)) overlaps.push(job.id);
      running.add(job.id);
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await sleep(5 + Math.random() * 25);
      running.delete(job.id);
    };
    for (const queue of queues) {
      start(createWorker({ queue, concurrency: 3, pollMs: 20, leaseMs: 400, handlers: { work: handler } }));
    }
    const ids: number[] = [];
    for (let i = 0; i < 40; i++)
      ids.push((await queues[i % 2]!.enqueue(stores[i % 2]!.db, { kind: "work" })).id);
    await expect.poll(() => remaining(stores[0]!), waiting("all jobs", 15_000)).toBe(0);
    expect(overlaps).toEqual([]);
    expect([...runs.keys()].sort((a, b) => a - b)).toEqual(ids);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it("renews the lease while a handler runs longer than the lease", async () => {
    const { stores, queues } = await setup(1);
    // Renewed every 100 ms, the lease runs out only if renewals stall for about 2 s on end: room for
    // a loaded machine. The other worker polls all along, ready to take the job if it ever does.
    const leaseMs = 2000;
    let runs = 0;
    let abortedWith: unknown;
    let claimedUntil = 0;
    let renewedUntil: number | null | undefined;
    let finishedAt = 0;
    const handlers = {
      slow: async (job: Job, signal: AbortSignal) => {
        runs++;
        claimedUntil = job.leaseExpiresAt!;
        // Part of the scenario: outlive the lease the job was claimed with.
        await sleep(claimedUntil - Date.now() + 200);
        renewedUntil = (await queues[0]!.get(job.id))?.leaseExpiresAt;
        finishedAt = Date.now();
        if (signal.aborted) abortedWith = signal.reason;
      },
    };
    for (const queue of queues)
      start(createWorker({ queue, pollMs: 30, leaseMs, renewEveryMs: 100, handlers }));
    await queues[0]!.enqueue(stores[0]!.db, { kind: "slow" });
    await expect.poll(() => remaining(stores[0]!), waiting("the slow job")).toBe(0);
    expect(runs).toBe(1);
    expect(abortedWith).toBeUndefined();
    // Ordering rather than timing: the handler ended after its first lease did, which was renewed.
    expect(finishedAt).toBeGreaterThan(claimedUntil);
    expect(renewedUntil).toBeGreaterThan(claimedUntil);
  });

  it("aborts the handler's signal when its job is cancelled", async () => {
    const { stores, queues } = await setup();
    const [store, queue] = [stores[0]!, queues[0]!];
    let started = false;
    let reason: unknown;
    start(
      createWorker({
        queue,
        pollMs: 30,
        leaseMs: 300,
        handlers: {
          wait: (_job, signal) =>
            new Promise<void>((resolve) => {
              started = true;
              signal.addEventListener("abort", () => {
                reason = signal.reason;
                resolve();
              });
            }),
        },
      }),
    );
    const { id } = await queue.enqueue(store.db, { kind: "wait" });
    await expect.poll(() => started, waiting("the job to start")).toBe(true);
    await queue.cancel(store.db, { id });
    await expect.poll(() => reason, waiting("the abort")).toBeDefined();
    expect(reason).toBeInstanceOf(LeaseLostError);
  });

  it("starts a new job on wake without waiting for the poll interval", async () => {
    const { stores, queues } = await setup();
    const [store, queue] = [stores[0]!, queues[0]!];
    const done: string[] = [];
    const claim = vi.spyOn(queue, "claim");
    const worker = start(
      createWorker({
        queue,
        pollMs: 600_000,
        handlers: { now: async (job) => void done.push(String(job.payload)) },
      }),
    );
    // Wait for the first poll to find the queue empty; from here on only a wake can start a job.
    await expect
      .poll(() => claim.mock.settledResults, waiting("the first poll"))
      .toContainEqual({ type: "fulfilled", value: undefined });
    expect(worker.running).toBe(0);
    await queue.enqueue(store.db, { kind: "now", payload: "direct" });
    await expect.poll(() => done, waiting("the directly enqueued job")).toContain("direct");
    await store.transaction((trx) => queue.enqueue(trx, { kind: "now", payload: "in-transaction" }));
    queue.wake();
    await expect.poll(() => done, waiting("the job enqueued in a transaction")).toContain("in-transaction");
  });

  it("stop() waits for running handlers", async () => {
    const { stores, queues } = await setup();
    const [store, queue] = [stores[0]!, queues[0]!];
    let started = false;
    let finished = false;
    const worker = createWorker({
      queue,
      pollMs: 30,
      handlers: {
        job: async () => {
          started = true;
          await sleep(300);
          finished = true;
        },
      },
    });
    worker.start();
    await queue.enqueue(store.db, { kind: "job" });
    await expect.poll(() => started, waiting("the job to start")).toBe(true);
    await worker.stop();
    expect(finished).toBe(true);
    expect(await remaining(store)).toBe(0);
  });

  it("stop() aborts handlers past its timeout and gives their jobs back", async () => {
    const { stores, queues } = await setup();
    const [store, queue] = [stores[0]!, queues[0]!];
    let started = false;
    const worker = createWorker({
      queue,
      pollMs: 30,
      shutdownTimeoutMs: 100,
      handlers: {
        stuck: (_job, signal) =>
          new Promise<void>((_resolve, reject) => {
            started = true;
            signal.addEventListener("abort", () => reject(new Error("interrupted")));
          }),
      },
    });
    worker.start();
    const { id } = await queue.enqueue(store.db, { kind: "stuck" });
    await expect.poll(() => started, waiting("the job to start")).toBe(true);
    await worker.stop();
    await expect.poll(async () => (await queue.get(id))?.leaseOwner, waiting("the release")).toBeNull();
    expect(await queue.get(id)).toMatchObject({ attempts: 1, failedAt: null, lastError: null });
  });

  // Registered only on PostgreSQL (not skipped elsewhere), so a skipped test always means a missing server.
  if (dialect === "postgres")
    it("wakes workers in another process through LISTEN/NOTIFY", async () => {
      const { stores, databaseUrl } = await setup(1);
      const listening = createQueue({ store: stores[1]!, listenUrl: databaseUrl });
      // The LISTEN connection wakes the queue once it is listening (see listenPostgres).
      let listened = false;
      listening.onWake(() => (listened = true));
      const claim = vi.spyOn(listening, "claim");
      teardown.push(() => listening.close());
      const producer = createQueue({ store: stores[0]! });
      const done: string[] = [];
      start(
        createWorker({
          queue: listening,
          pollMs: 600_000,
          handlers: { remote: async (job) => void done.push(String(job.payload)) },
        }),
      );
      // Enqueue only once it listens and the claims that start and that wake made have all come back
      // empty (none is in flight, and the first poll's claim is done): only the NOTIFY can start the job.
      await expect
        .poll(
          () =>
            listened &&
            claim.mock.settledResults.length > 0 &&
            claim.mock.settledResults.length === claim.mock.calls.length,
          waiting("the LISTEN connection and an idle worker"),
        )
        .toBe(true);
      await stores[0]!.transaction((trx) => producer.enqueue(trx, { kind: "remote", payload: "from afar" }));
      await expect.poll(() => done, waiting("the notified job")).toContain("from afar");
    });
});
