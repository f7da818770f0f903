import { errorMessage, type Clock, type Logger } from "../../core/index.js";
import { backoffDelay, type BackoffOptions } from "../queue/index.js";
import type { Store } from "../store/index.js";
import { DeliveryTimeoutError, DispatcherStoppingError, SubscriberLeaseLostError } from "./errors.js";
import { latestSeq, readEventsAfter } from "./read.js";
import {
  acquireSubscription,
  advanceCursor,
  deadLetterEvent,
  ensureSubscription,
  recordFailure,
  releaseSubscription,
} from "./subscriptions.js";
import type { EventHandler, StoredEvent, SubscribeOptions } from "./types.js";

/** Settings shared by every subscriber's pump; see `BusOptions` for their defaults. */
export interface PumpSettings {
  store: Store;
  clock: Clock;
  logger: Logger;
  owner: string;
  pollMs: number;
  leaseMs: number;
  batchSize: number;
  maxAttempts: number;
  backoff: BackoffOptions;
  random: () => number;
  handlerTimeoutMs: number;
}

/** One subscriber's delivery loop. */
export interface Pump {
  start(): void;
  /** New events may be committed: read now instead of at the next poll. */
  wake(): void;
  /** Finishes the delivery in progress (aborting it after `timeoutMs`) and releases the lease. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * Delivers a subscriber's events one at a time in commit order, which keeps per-source order. A
 * failing event is retried with backoff and holds back the events behind it for this subscriber only
 * (other subscribers have their own pumps); after `maxAttempts` failures it becomes a dead letter
 * and delivery goes on. Progress is stored after each delivery, so a crash re-delivers at most the
 * events in flight (at-least-once).
 */
export function createPump(
  settings: PumpSettings,
  name: string,
  handler: EventHandler,
  options: SubscribeOptions,
): Pump {
  const { store, clock, owner } = settings;
  const db = store.db;
  const logger = settings.logger.child({ subscriber: name });
  const maxAttempts = options.maxAttempts ?? settings.maxAttempts;
  let running = false;
  let owned = false;
  let cursor = 0;
  let attempts = 0;
  let unsaved = false;
  let woken = false;
  let interrupt: (() => void) | undefined;
  let delivery: AbortController | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  let loop: Promise<void> = Promise.resolve();

  /** Waits `ms`, or less when woken (if `wakeable`) or stopped. */
  const pause = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      if (!running || (wakeable && woken)) {
        woken = false;
        return resolve();
      }
      const done = () => {
        clearTimeout(timer);
        interrupt = undefined;
        if (wakeable) woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      interrupt = wakeable ? done : () => (running ? undefined : done());
    });

  const lose = () => {
    owned = false;
    clearInterval(renewTimer);
    delivery?.abort(new SubscriberLeaseLostError(name));
    logger.warn("lost the subscriber's lease to another dispatcher");
  };

  const lost = (): false => {
    lose();
    return false;
  };

  const renew = async () => {
    try {
      const state = await acquireSubscription(db, name, owner, clock.now(), settings.leaseMs);
      if (!state && owned) lose();
    } catch (err) {
      // Retried at the next interval; if the lease runs out meanwhile, the fenced writes notice.
      logger.warn({ err: errorMessage(err) }, "renewing the subscriber's lease failed");
    }
  };

  const acquire = async (): Promise<boolean> => {
    const state = await acquireSubscription(db, name, owner, clock.now(), settings.leaseMs);
    if (!state) return false;
    ({ cursor, attempts } = state);
    owned = true;
    renewTimer = setInterval(() => void renew(), Math.max(1, Math.floor(settings.leaseMs / 3)));
    return true;
  };

  /** Runs the handler; rejects when it throws, or at once when its delivery is aborted or times out. */
  const runHandler = async (stored: StoredEvent, attempt: number): Promise<void> => {
    const controller = new AbortController();
    delivery = controller;
    const timer = setTimeout(
      () => controller.abort(new DeliveryTimeoutError(name, stored.event.id, settings.handlerTimeoutMs)),
      settings.handlerTimeoutMs,
    );
    try {
      await Promise.race([
        handler(stored.event, { attempt, signal: controller.signal }),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener("abort", () => reject(controller.signal.reason as Error)),
        ),
      ]);
    } finally {
      clearTimeout(timer);
      delivery = undefined;
    }
  };

  /** Delivers one event until it succeeds or is dead-lettered; false when the pump must stop or lost its lease. */
  const deliver = async (stored: StoredEvent): Promise<boolean> => {
    for (;;) {
      if (!running || !owned) return false;
      let failure: unknown;
      let skipped = false;
      try {
        skipped = options.filter !== undefined && !options.filter(stored.event);
        if (!skipped) await runHandler(stored, attempts + 1);
      } catch (err) {
        failure = err ?? new Error("handler rejected without a reason");
      }
      const now = clock.now();
      if (failure === undefined) {
        cursor = stored.seq;
        // Skipped events are stored with the next delivery or at the end of the batch: after a
        // crash they are merely filtered again.
        if (skipped && attempts === 0) {
          unsaved = true;
          return true;
        }
        if (!(await advanceCursor(db, name, owner, cursor, now))) return lost();
        attempts = 0;
        unsaved = false;
        return true;
      }
      // A delivery cut short by a stop or a lost lease did not fail on its own merits.
      if (!running || !owned) return false;
      attempts++;
      const log = { event: stored.event.id, seq: stored.seq, attempts, err: errorMessage(failure) };
      if (attempts >= maxAttempts) {
        if (!(await deadLetterEvent(store, name, owner, stored, attempts, failure, now))) return lost();
        logger.error(log, "event failed too many times; recorded as a dead letter and skipped");
        cursor = stored.seq;
        attempts = 0;
        unsaved = false;
        return true;
      }
      if (!(await recordFailure(db, name, owner, attempts, failure, now))) return lost();
      const delay = backoffDelay(attempts, settings.backoff, settings.random);
      logger.warn({ ...log, retryInMs: delay }, "event delivery failed; will retry");
      await pause(delay, false);
    }
  };

  const saveSkipped = async () => {
    if (!unsaved || !owned) return;
    if (await advanceCursor(db, name, owner, cursor, clock.now())) unsaved = false;
    else lose();
  };

  const run = async () => {
    while (running) {
      try {
        if (!owned && !(await acquire())) {
          // Another dispatcher has it; try again once its lease may have run out.
          await pause(Math.min(settings.pollMs, settings.leaseMs), false);
          continue;
        }
        const batch = await readEventsAfter(db, cursor, settings.batchSize);
        if (batch.length === 0) {
          await pause(settings.pollMs, true);
          continue;
        }
        for (const stored of batch) if (!(await deliver(stored))) break;
        await saveSkipped();
      } catch (err) {
        logger.error({ err: errorMessage(err) }, "event dispatch failed; retrying after the poll interval");
        await pause(settings.pollMs, false);
      }
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            const initial = options.startAt === "latest" ? await latestSeq(db) : 0;
            await ensureSubscription(db, name, initial, clock.now());
            break;
          } catch (err) {
            logger.error({ err: errorMessage(err) }, "registering the subscriber failed; retrying");
            await pause(settings.pollMs, false);
          }
        }
        await run();
      })();
    },
    wake() {
      woken = true;
      interrupt?.();
    },
    async stop(timeoutMs) {
      running = false;
      interrupt?.();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        loop.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (!finished) {
        delivery?.abort(new DispatcherStoppingError(name));
        await loop;
      }
      clearInterval(renewTimer);
      await saveSkipped().catch(() => undefined);
      if (owned) {
        owned = false;
        await releaseSubscription(db, name, owner).catch((err: unknown) =>
          logger.warn({ err: errorMessage(err) }, "releasing the lease failed; it will expire"),
        );
      }
    },
  };
}
