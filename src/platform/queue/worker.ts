import { hostname } from "node:os";
import { createLogger, errorMessage, newUuid, type Logger } from "../../core/index.js";
import { LeaseLostError, WorkerStoppingError } from "./errors.js";
import type { Queue } from "./queue.js";
import type { Job, JobHandler } from "./types.js";

/** Options for {@link createWorker}. */
export interface WorkerOptions {
  queue: Queue;
  /** Handler per job kind; the worker claims only these kinds. */
  handlers: Readonly<Record<string, JobHandler>>;
  /** Lease holder name, unique per worker; default `<host>/<pid>/<random>`. */
  owner?: string;
  /** Jobs run at the same time; default 1. */
  concurrency?: number;
  /** Lease length; default 30 000 ms. A dead worker's jobs come back this long after it stopped renewing. */
  leaseMs?: number;
  /** How often a running job's lease is renewed; default a third of `leaseMs`. */
  renewEveryMs?: number;
  /** How often an idle worker looks for due jobs; default 1000 ms. `queue.wake()` cuts the wait short. */
  pollMs?: number;
  /** How long `stop()` waits for running handlers before aborting them; default 10 000 ms. */
  shutdownTimeoutMs?: number;
  /** Default a silent logger. */
  logger?: Logger;
}

/** Runs jobs from a queue until stopped. */
export interface QueueWorker {
  readonly owner: string;
  /** Starts claiming. Idempotent. */
  start(): void;
  /**
   * Stops claiming and waits for running handlers up to `shutdownTimeoutMs`; then aborts their
   * signals and returns. A handler that settles after the abort gives its job back at once; one that
   * ignores the abort keeps its job until the lease expires (it is no longer renewed).
   */
  stop(): Promise<void>;
  /** Jobs running now. */
  readonly running: number;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/** Creates a worker; call `start()`. */
export function createWorker(options: WorkerOptions): QueueWorker {
  const { queue, handlers } = options;
  const owner = options.owner ?? `${hostname()}/${process.pid}/${newUuid().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 1;
  const leaseMs = options.leaseMs ?? 30_000;
  const renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const pollMs = options.pollMs ?? 1000;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const logger = (options.logger ?? createLogger({ level: "silent" })).child({ worker: owner });
  const kinds = Object.keys(handlers);
  const active = new Map<number, Running>();
  let state: "idle" | "running" | "stopping" | "stopped" = "idle";
  let pollTimer: NodeJS.Timeout | undefined;
  let ticking = false;
  let again = false;
  let unsubscribe: (() => void) | undefined;

  // One claim loop at a time; a wake during a pass asks for another pass rather than a second loop.
  const tick = async (poll: boolean): Promise<void> => {
    if (state !== "running") return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    clearTimeout(pollTimer);
    try {
      if (poll) await queue.reap();
      do {
        again = false;
        while (state === "running" && active.size < concurrency) {
          const job = await queue.claim({ owner, kinds, leaseMs });
          if (!job) break;
          launch(job);
        }
      } while (again && state === "running");
    } catch (err) {
      logger.error({ err: errorMessage(err) }, "claiming jobs failed; retrying at the next poll");
    } finally {
      ticking = false;
    }
    if (state === "running") pollTimer = setTimeout(() => void tick(true), pollMs);
  };

  const launch = (job: Job) => {
    const handler = handlers[job.kind];
    const controller = new AbortController();
    let renewing = false;
    const renewTimer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      queue
        .renew(job, leaseMs)
        .then((ok) => {
          if (!ok) controller.abort(new LeaseLostError(job.id));
        })
        // A failed renewal is retried at the next interval; if the lease runs out meanwhile the
        // next renewal reports it lost.
        .catch((err: unknown) => logger.warn({ job: job.id, err: errorMessage(err) }, "lease renewal failed"))
        .finally(() => (renewing = false));
    }, renewEveryMs);
    const done = (async () => {
      const log = logger.child({ job: job.id, kind: job.kind, attempt: job.attempts });
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        await handler(job, controller.signal);
        clearInterval(renewTimer);
        // Completion is fenced by the claim, so it is safe even if the lease was lost meanwhile.
        const completed = await queue.complete(job);
        log.debug({ completed }, completed ? "job completed" : "job was completed or taken elsewhere");
      } catch (err) {
        clearInterval(renewTimer);
        if (controller.signal.aborted) return settleAborted(job, controller.signal.reason, err, log);
        const result = await queue.fail(job, err);
        switch (result.outcome) {
          case "retry":
            log.warn({ err: errorMessage(err), runAt: result.runAt }, "job failed; will retry");
            break;
          case "dead":
            log.error({ err: errorMessage(err) }, "job failed on its last attempt; kept as dead");
            break;
          case "lost":
            log.warn({ err: errorMessage(err) }, "job failed after its lease was lost");
            break;
        }
      }
    })()
      .catch((err: unknown) => {
        // The store is unreachable: the job keeps its lease until it expires, then runs again.
        logger.error({ job: job.id, err: errorMessage(err) }, "recording the job's outcome failed");
      })
      .finally(() => {
        clearInterval(renewTimer);
        active.delete(job.id);
        void tick(false);
      });
    active.set(job.id, { controller, done });
  };

  // A handler that threw because its signal aborted did not fail on its own: no backoff, no
  // dead job. A shutdown gives the job back at once; a lost lease means someone else has it.
  const settleAborted = async (job: Job, reason: unknown, err: unknown, log: Logger) => {
    if (reason instanceof WorkerStoppingError) {
      await queue.release(job);
      log.warn({ err: errorMessage(err) }, "job interrupted by shutdown; released");
    } else {
      log.warn({ err: errorMessage(err) }, "job's lease was lost");
    }
  };

  return {
    owner,
    get running() {
      return active.size;
    },
    start() {
      // While stopping, the old claim loop may still be finishing; a second one must not start.
      if (state === "running" || state === "stopping") return;
      state = "running";
      unsubscribe = queue.onWake(() => void tick(false));
      void tick(true);
    },
    async stop() {
      if (state !== "running") return;
      state = "stopping";
      clearTimeout(pollTimer);
      unsubscribe?.();
      const all = Promise.allSettled([...active.values()].map((r) => r.done));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), shutdownTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        for (const [id, r] of active) r.controller.abort(new WorkerStoppingError(id));
        // Give handlers that honour the signal a moment to settle and release their jobs.
        await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      }
      state = "stopped";
    },
  };
}
