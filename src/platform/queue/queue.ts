import { createLogger, systemClock, type Clock, type Logger } from "../../core/index.js";
import { afterCommit, type Store } from "../store/index.js";
import type { BackoffOptions } from "./backoff.js";
import { claimJob, reapExpired } from "./claim.js";
import { expireDeadOwnersLeases } from "./lease-owner.js";
import { cancelJob, enqueueJob, JOBS_CHANNEL } from "./enqueue.js";
import { completeJob, failJob, releaseJob, renewLease } from "./lease.js";
import { listenPostgres, type PostgresListener } from "./pg-listener.js";
import { pruneDeadJobs } from "./prune.js";
import { toJob } from "./rows.js";
import type {
  CancelTarget,
  ClaimOptions,
  EnqueueInput,
  EnqueueResult,
  Executor,
  FailOutcome,
  Job,
} from "./types.js";

/** Options for {@link createQueue}. */
export interface QueueOptions {
  store: Store;
  /** Time source for run-at, leases and backoff; default the system clock. */
  clock?: Clock;
  /** Attempts of a job enqueued without `maxAttempts`; default 10. */
  defaultMaxAttempts?: number;
  /** Retry backoff; default 1 s doubling up to 5 minutes, with jitter. */
  backoff?: BackoffOptions;
  /** Random source for the jitter, in [0, 1); default `Math.random` (tests pin it). */
  random?: () => number;
  /**
   * PostgreSQL only: URL for a LISTEN connection so that jobs enqueued by other processes wake this
   * process's workers at once. Default none: other processes' jobs are found by polling.
   */
  listenUrl?: string;
  /** Default a silent logger. */
  logger?: Logger;
}

/** The durable job queue. See ARCHITECTURE.md, "State machines, a durable queue and events". */
export interface Queue {
  /**
   * Adds a job through `executor`: pass the transaction that makes the state change the job acts on,
   * so both commit or neither does. Wakes this process's workers when `executor` is not a
   * transaction; inside one, call {@link Queue.wake} after it commits (on PostgreSQL a NOTIFY is
   * sent at commit anyway).
   */
  enqueue(executor: Executor, input: EnqueueInput): Promise<EnqueueResult>;
  /** Leases the next runnable job of `kinds`, or returns undefined. Counts an attempt. */
  claim(options: ClaimOptions): Promise<Job | undefined>;
  /** Extends a claim's lease to now + `leaseMs`; false when the claim was lost. */
  renew(job: Job, leaseMs: number): Promise<boolean>;
  /**
   * Deletes a finished job. Pass the handler's transaction to complete it atomically with the
   * handler's writes (then the worker's own completion finds nothing and does nothing). False when
   * the claim was lost.
   */
  complete(job: Job, executor?: Executor): Promise<boolean>;
  /** Records a failed attempt: retry after backoff, or dead once out of attempts. */
  fail(job: Job, error: unknown): Promise<FailOutcome>;
  /** Returns a claimed job to the queue at once (the attempt still counts). */
  release(job: Job): Promise<boolean>;
  /** Deletes a job (waiting, running or dead) by id or key; false when there was none. */
  cancel(executor: Executor, target: CancelTarget): Promise<boolean>;
  /**
   * Ends the leases of this machine's dead processes, then marks dead the jobs whose last attempt's
   * lease expired; returns how many it marked. Workers call it as they poll.
   */
  reap(): Promise<number>;
  /** One job by id, live or dead. */
  get(id: number): Promise<Job | undefined>;
  /** Dead jobs, newest first; default limit 100. */
  listDead(options?: { kind?: string; limit?: number }): Promise<Job[]>;
  /**
   * Deletes up to `limit` (default 500) of the oldest jobs that died before `before` (epoch ms);
   * returns how many. The server's retention sweeper calls it in a loop.
   */
  pruneDead(options: { before: number; limit?: number }): Promise<number>;
  /** Wakes this process's idle workers so a new job starts without waiting for the poll interval. */
  wake(): void;
  /** Registers a wake listener; returns the function that removes it. */
  onWake(listener: () => void): () => void;
  /** Stops the LISTEN connection, if any. Does not close the store. */
  close(): Promise<void>;
}

/** Creates a queue over `options.store`. */
export function createQueue(options: QueueOptions): Queue {
  const { store } = options;
  const db = store.db;
  const clock = options.clock ?? systemClock;
  const defaultMaxAttempts = options.defaultMaxAttempts ?? 10;
  const backoff = options.backoff ?? {};
  const random = options.random ?? Math.random;
  const logger = options.logger ?? createLogger({ level: "silent" });
  const listeners = new Set<() => void>();

  const wake = () => {
    for (const listener of [...listeners]) listener();
  };
  let listener: PostgresListener | undefined;
  if (options.listenUrl && store.dialect === "postgres") {
    listener = listenPostgres({
      databaseUrl: options.listenUrl,
      channel: JOBS_CHANNEL,
      onNotify: wake,
      logger,
    });
  }

  return {
    async enqueue(executor, input) {
      const result = await enqueueJob(executor, store.dialect, clock, defaultMaxAttempts, input);
      // Not before the commit: a worker woken now would look for a row nobody can see yet.
      afterCommit(executor, wake);
      return result;
    },
    claim: (claimOptions) => claimJob(db, store.dialect, clock, claimOptions),
    renew: (job, leaseMs) => renewLease(db, clock, job, leaseMs),
    complete: (job, executor) => completeJob(executor ?? db, job),
    fail: (job, error) => failJob(db, clock, job, error, backoff, random),
    release: (job) => releaseJob(db, job),
    cancel: (executor, target) => cancelJob(executor, target),
    async reap() {
      // A process of this machine that died leaves leases nobody renews: end them now.
      await expireDeadOwnersLeases(db, clock.now());
      return reapExpired(db, clock);
    },
    async get(id) {
      const row = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toJob(row) : undefined;
    },
    async listDead(listOptions = {}) {
      const rows = await db
        .selectFrom("jobs")
        .selectAll()
        .where("failed_at", "is not", null)
        .$if(listOptions.kind !== undefined, (qb) => qb.where("kind", "=", listOptions.kind ?? ""))
        .orderBy("failed_at", "desc")
        .orderBy("id", "desc")
        .limit(listOptions.limit ?? 100)
        .execute();
      return rows.map(toJob);
    },
    pruneDead: ({ before, limit = 500 }) => pruneDeadJobs(db, before, limit),
    wake,
    onWake(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      await listener?.close();
    },
  };
}
