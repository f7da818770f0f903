import { hostname } from "node:os";
import { createLogger, newUuid, systemClock, type Clock, type Logger } from "../../core/index.js";
import { listenPostgres, type BackoffOptions, type Executor, type PostgresListener } from "../queue/index.js";
import { afterCommit, type Store } from "../store/index.js";
import { listDeadLetters, pruneEvents } from "./admin.js";
import { emitEvent, EVENTS_CHANNEL } from "./emit.js";
import { DuplicateSubscriberError } from "./errors.js";
import { createPump, type Pump, type PumpSettings } from "./pump.js";
import type { BusEvent, DeadLetter, EmitInput, EventHandler, SubscribeOptions } from "./types.js";

/** Options for {@link createBus}. */
export interface BusOptions {
  store: Store;
  /** Time source for event times and leases; default the system clock. */
  clock?: Clock;
  /** Default a silent logger. */
  logger?: Logger;
  /** Lease holder name of this dispatcher, unique per process; default `<host>/<pid>/<random>`. */
  owner?: string;
  /** How often an idle subscriber looks for events it was not woken for; default 1000 ms. */
  pollMs?: number;
  /**
   * How long a dispatcher keeps a subscriber without renewing; default 30 000 ms. A dead process's
   * subscribers are taken over by another dispatcher this long after it stopped.
   */
  leaseMs?: number;
  /** Events read per query; default 100. */
  batchSize?: number;
  /** Failed deliveries of one event before it becomes a dead letter; default 8. */
  maxAttempts?: number;
  /** Delay between failed deliveries; default 500 ms doubling up to 60 s, with jitter. */
  backoff?: BackoffOptions;
  /** Random source for the jitter; default `Math.random`. */
  random?: () => number;
  /** A delivery that takes longer fails (and its signal aborts); default 60 000 ms. */
  handlerTimeoutMs?: number;
  /** How long `stop()` waits for deliveries in progress before aborting them; default 10 000 ms. */
  shutdownTimeoutMs?: number;
  /**
   * PostgreSQL only: URL for a LISTEN connection, so events committed by other processes are
   * delivered at once instead of at the next poll. Default none.
   */
  listenUrl?: string;
}

/** Domain events: an outbox written in the callers' transactions, and a dispatcher that delivers it. */
export interface Bus {
  /**
   * Records an event in `executor`, the transaction that makes the state change it reports, so the
   * event exists exactly when the change does. Wakes this process's dispatcher once that commits
   * (see `afterCommit`; on PostgreSQL a NOTIFY is sent at commit too, for other processes). Returns
   * the event as subscribers will see it.
   */
  emit(executor: Executor, input: EmitInput): Promise<BusEvent>;
  /**
   * Registers a subscriber, by a name unique in the program: its progress is stored under that name,
   * so renaming it starts it over. It receives every event at least once, in commit order (so in
   * order per source). Subscribing after `start()` starts it at once.
   */
  subscribe(name: string, handler: EventHandler, options?: SubscribeOptions): void;
  /** Tells the dispatcher that events were committed, so it delivers them without waiting for a poll. */
  notify(): void;
  /** Starts delivering to every subscriber. */
  start(): void;
  /** Stops delivering: waits for deliveries in progress (up to `shutdownTimeoutMs`) and releases leases. */
  stop(): Promise<void>;
  /** Events that subscribers gave up on, newest first; default limit 100. */
  deadLetters(options?: { subscriber?: string; limit?: number }): Promise<DeadLetter[]>;
  /**
   * Deletes up to `limit` (default 500) of the oldest events emitted before `before` (epoch ms) that
   * every subscriber registered here has handled; with no subscriber registered here, or one whose
   * progress is not stored yet, deletes nothing. Returns how many; the server's retention sweeper
   * calls it in a loop.
   */
  prune(options: { before: number; limit?: number }): Promise<number>;
}

/** Creates a bus over `options.store`; register subscribers, then `start()`. */
export function createBus(options: BusOptions): Bus {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: "silent" });
  const settings: PumpSettings = {
    store,
    clock,
    logger,
    owner: options.owner ?? `${hostname()}/${process.pid}/${newUuid().slice(0, 8)}`,
    pollMs: options.pollMs ?? 1000,
    leaseMs: options.leaseMs ?? 30_000,
    batchSize: options.batchSize ?? 100,
    maxAttempts: options.maxAttempts ?? 8,
    backoff: options.backoff ?? { baseDelayMs: 500, maxDelayMs: 60_000 },
    random: options.random ?? Math.random,
    handlerTimeoutMs: options.handlerTimeoutMs ?? 60_000,
  };
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const pumps = new Map<string, Pump>();
  let started = false;
  let listener: PostgresListener | undefined;

  const notify = () => {
    for (const pump of pumps.values()) pump.wake();
  };

  return {
    async emit(executor, input) {
      const event = await emitEvent(executor, store.dialect, clock, input);
      afterCommit(executor, notify);
      return event;
    },
    subscribe(name, handler, subscribeOptions = {}) {
      if (pumps.has(name)) throw new DuplicateSubscriberError(name);
      const pump = createPump(settings, name, handler, subscribeOptions);
      pumps.set(name, pump);
      if (started) pump.start();
    },
    notify,
    start() {
      if (started) return;
      started = true;
      if (options.listenUrl && store.dialect === "postgres") {
        listener = listenPostgres({
          databaseUrl: options.listenUrl,
          channel: EVENTS_CHANNEL,
          onNotify: notify,
          logger,
        });
      }
      for (const pump of pumps.values()) pump.start();
    },
    async stop() {
      if (!started) return;
      started = false;
      await listener?.close();
      listener = undefined;
      await Promise.all([...pumps.values()].map((pump) => pump.stop(shutdownTimeoutMs)));
    },
    deadLetters: (listOptions = {}) => listDeadLetters(store.db, listOptions),
    prune: ({ before, limit = 500 }) => pruneEvents(store.db, [...pumps.keys()], before, limit),
  };
}
