import type { Clock } from "../../core/index.js";
import { errorMessage } from "../../core/index.js";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import type { Executor, FailOutcome, Job } from "./types.js";

// Every call below is fenced by (id, lease_owner, attempts): attempts grows with each claim, so a
// worker whose lease expired and was taken over cannot renew, complete or fail the new claim, even
// if it is the same worker that claimed the job again.

function ours(db: Executor, job: Job) {
  return db
    .updateTable("jobs")
    .where("id", "=", job.id)
    .where("lease_owner", "=", job.leaseOwner)
    .where("attempts", "=", job.attempts);
}

/** Extends the lease to now + `leaseMs`; false when the claim is no longer ours. */
export async function renewLease(db: Executor, clock: Clock, job: Job, leaseMs: number): Promise<boolean> {
  const result = await ours(db, job)
    .set({ lease_expires_at: clock.now() + leaseMs })
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes a finished job; false when the claim is no longer ours (or the job was cancelled). */
export async function completeJob(db: Executor, job: Job): Promise<boolean> {
  const result = await db
    .deleteFrom("jobs")
    .where("id", "=", job.id)
    .where("lease_owner", "=", job.leaseOwner)
    .where("attempts", "=", job.attempts)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Records a failed attempt: the job runs again after an exponential backoff with jitter, or, when it
 * has used all its attempts, stays in the table as dead (failed_at and last_error set) so an operator
 * can see why, instead of vanishing.
 */
export async function failJob(
  db: Executor,
  clock: Clock,
  job: Job,
  error: unknown,
  backoff: BackoffOptions,
  random: () => number,
): Promise<FailOutcome> {
  const now = clock.now();
  const message = errorMessage(error).slice(0, 4000);
  if (job.attempts >= job.maxAttempts) {
    const result = await ours(db, job)
      .set({ failed_at: now, last_error: message, lease_owner: null, lease_expires_at: null })
      .executeTakeFirst();
    return result.numUpdatedRows > 0n ? { outcome: "dead" } : { outcome: "lost" };
  }
  const runAt = now + backoffDelay(job.attempts, backoff, random);
  const result = await ours(db, job)
    .set({ run_at: runAt, last_error: message, lease_owner: null, lease_expires_at: null })
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? { outcome: "retry", runAt } : { outcome: "lost" };
}

/**
 * Gives a job back without a backoff, for a worker that stops while the job runs. The attempt still
 * counts, so jobs that never finish before a shutdown cannot loop forever.
 */
export async function releaseJob(db: Executor, job: Job): Promise<boolean> {
  const result = await ours(db, job).set({ lease_owner: null, lease_expires_at: null }).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
