export { createQueue, type Queue, type QueueOptions } from "./queue.js";
export { createWorker, type QueueWorker, type WorkerOptions } from "./worker.js";
export { isLeaseOwnerGone, isOtherLeaseOwnerDead } from "./lease-owner.js";
export { backoffDelay, type BackoffOptions } from "./backoff.js";
export { listenPostgres, type PostgresListener, type PostgresListenerOptions } from "./pg-listener.js";
export { LeaseLostError, WorkerStoppingError } from "./errors.js";
export type {
  CancelTarget,
  ClaimOptions,
  EnqueueInput,
  EnqueueResult,
  Executor,
  FailOutcome,
  Job,
  JobHandler,
} from "./types.js";
