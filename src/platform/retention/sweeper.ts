import { errorMessage, systemClock, type Clock, type Logger } from "../../core/index.js";
import { labelQueries } from "../store/index.js";
import type { Pruner } from "./types.js";

/** Options for {@link createRetentionSweeper}. */
export interface RetentionOptions {
  pruners: readonly Pruner[];
  /** How long history is kept, in ms; 0 prunes whatever is prunable at the next sweep. */
  retentionMs: number;
  /** Time between sweeps; default 10 minutes. */
  intervalMs?: number;
  /** Delay of the first sweep after `start()`; default 1 minute, once start-up work has settled. */
  firstSweepMs?: number;
  /** Rows deleted per statement; default 500. */
  batchSize?: number;
  /** Default the system clock. */
  clock?: Clock;
  logger: Logger;
}

/** Rows each pruner deleted in one sweep, by pruner name. */
export type SweepResult = Record<string, number>;

/** Deletes history past its retention period, periodically, in small batches. */
export interface RetentionSweeper {
  /** Schedules sweeps: the first after `firstSweepMs`, then every `intervalMs`. */
  start(): void;
  /** Cancels the schedule and waits for a sweep in progress, which stops after its current batch. */
  stop(): Promise<void>;
  /** Runs one sweep now (after any sweep in progress) and returns what it deleted. */
  sweep(): Promise<SweepResult>;
}

/**
 * Creates the sweeper. Each batch is one short statement of at most `batchSize` rows, and the
 * sweeper yields to the event loop between batches, so a sweep never holds SQLite's write lock (or
 * PostgreSQL row locks) long enough to keep writers waiting: a backlog of a million events is
 * cleared in two thousand small steps, not one long transaction.
 */
export function createRetentionSweeper(options: RetentionOptions): RetentionSweeper {
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  const firstSweepMs = options.firstSweepMs ?? 60_000;
  const batchSize = options.batchSize ?? 500;
  const { logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let current: Promise<SweepResult> = Promise.resolve({});

  const pruneAll = async (pruner: Pruner, before: number): Promise<number> => {
    let total = 0;
    while (!stopping) {
      const deleted = await pruner.pruneBatch(before, batchSize);
      total += deleted;
      if (deleted < batchSize) break;
      // Let requests and workers that queued behind this batch run before the next one.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return total;
  };

  const sweepOnce = async (): Promise<SweepResult> => {
    const before = clock.now() - options.retentionMs;
    const result: SweepResult = {};
    for (const pruner of options.pruners) {
      try {
        // Labelled like an operation, so plan tests can check each pruner's statements.
        result[pruner.name] = await labelQueries(`retention:${pruner.name}`, () => pruneAll(pruner, before));
      } catch (err) {
        // One table's trouble must not keep the others growing; the next sweep tries again.
        logger.warn({ pruner: pruner.name, err: errorMessage(err) }, "pruning history failed");
      }
    }
    if (Object.values(result).some((n) => n > 0)) logger.info({ pruned: result }, "pruned old history");
    return result;
  };

  const sweep = (): Promise<SweepResult> => {
    current = current.then(sweepOnce, sweepOnce);
    return current;
  };

  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      void sweep().finally(() => {
        if (!stopping) schedule(intervalMs);
      });
    }, delayMs);
    // A pending sweep never keeps the process alive.
    timer.unref();
  };

  return {
    start() {
      if (timer || stopping) return;
      schedule(firstSweepMs);
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await current.catch(() => undefined);
    },
    sweep,
  };
}
