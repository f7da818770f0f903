import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";

/**
 * Where a query runs: the store's `db`, or a transaction from `store.transaction`. Passing the
 * caller's transaction is how a job is enqueued (or cancelled) atomically with a state change.
 */
export type Executor = Kysely<Database>;

/** A job as a worker sees it after claiming it. */
export interface Job {
  readonly id: number;
  readonly kind: string;
  /** The payload given to `enqueue`, parsed from JSON; handlers validate it (zod) before use. */
  readonly payload: unknown;
  /** Epoch ms. */
  readonly runAt: number;
  /** Claims so far, including the current one (the first run sees 1). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly key: string | null;
  /** Who holds the lease; with `id` and `attempts` it identifies this claim. */
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  /** Error of the previous failed attempt, if any. */
  readonly lastError: string | null;
  /** Epoch ms when the job ran out of attempts; null while it is live. */
  readonly failedAt: number | null;
  readonly createdAt: number;
}

/** What to enqueue. */
export interface EnqueueInput {
  /** Names the handler, e.g. `pipeline.advance`. */
  kind: string;
  /** Any JSON-serialisable value; default `null`. */
  payload?: unknown;
  /** Epoch ms before which the job is not run; default now. A future value makes a timer. */
  runAt?: number;
  /** Runs (claims) before the job is kept as dead; default the queue's `defaultMaxAttempts` (10). */
  maxAttempts?: number;
  /**
   * De-duplication key, unique across all kinds (prefix it with the kind). While a live job holds
   * the key, enqueueing the same key again returns that job and changes nothing. A dead job with the
   * key is replaced by the new one. Default none.
   */
  key?: string;
}

/** What `enqueue` did. */
export interface EnqueueResult {
  id: number;
  /** False when a live job already held the key and nothing was written. */
  created: boolean;
}

/** Options of one claim. */
export interface ClaimOptions {
  /** Lease holder, unique per worker. */
  owner: string;
  /** Kinds the caller can run. */
  kinds: readonly string[];
  /** How long the lease lasts unless renewed. */
  leaseMs: number;
}

/** What `fail` did with a job. */
export type FailOutcome =
  /** Scheduled again after a backoff. */
  | { outcome: "retry"; runAt: number }
  /** Out of attempts: kept as a dead job with `last_error`. */
  | { outcome: "dead" }
  /** The claim is no longer ours (lease expired and was taken, or the job was cancelled). */
  | { outcome: "lost" };

/** Which job `cancel` removes. */
export type CancelTarget = { id: number } | { key: string };

/** Runs one job. The signal aborts when the lease is lost or the worker stops past its timeout. */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<void>;
