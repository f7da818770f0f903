import { sql } from "kysely";
import type { Clock } from "../../core/index.js";
import type { DialectName } from "../store/index.js";
import { toJob } from "./rows.js";
import type { ClaimOptions, Executor, Job } from "./types.js";

/**
 * Leases the next runnable job of `kinds` to `owner` in one statement, or returns undefined.
 *
 * Runnable: live (not dead), due (`run_at <= now`), attempts left, and nobody holds an unexpired lease.
 * The claim counts an attempt up front, so a job whose handler kills the worker still runs out of
 * attempts instead of crashing workers forever.
 *
 * SQLite runs one writer at a time, so `UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING` is atomic.
 * PostgreSQL runs them concurrently: `FOR UPDATE SKIP LOCKED` makes each claimer lock a different
 * row instead of two claimers picking the same row (or queueing behind each other's lock).
 */
export async function claimJob(
  db: Executor,
  dialect: DialectName,
  clock: Clock,
  options: ClaimOptions,
): Promise<Job | undefined> {
  if (options.kinds.length === 0) return undefined;
  const now = clock.now();
  const next = db
    .selectFrom("jobs")
    .select("id")
    .where("kind", "in", options.kinds)
    .where("run_at", "<=", now)
    .where("failed_at", "is", null)
    .where((eb) => eb("attempts", "<", eb.ref("max_attempts")))
    .where((eb) => eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<=", now)]))
    .orderBy("run_at")
    .orderBy("id")
    .limit(1)
    .$if(dialect === "postgres", (qb) => qb.forUpdate().skipLocked());
  const row = await db
    .updateTable("jobs")
    .set((eb) => ({
      lease_owner: options.owner,
      lease_expires_at: now + options.leaseMs,
      attempts: eb("attempts", "+", 1),
    }))
    .where("id", "=", next)
    .returningAll()
    .executeTakeFirst();
  return row ? toJob(row) : undefined;
}

/**
 * Marks dead the jobs whose last allowed attempt ended with an expired lease (the worker died or
 * hung): they can no longer be claimed, and without this they would sit unnoticed. Returns how many.
 */
export async function reapExpired(db: Executor, clock: Clock): Promise<number> {
  const now = clock.now();
  const result = await db
    .updateTable("jobs")
    .set({
      failed_at: now,
      last_error: sql<string>`'lease of ' || lease_owner || ' expired during the last attempt (the worker stopped or hung)'`,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where("failed_at", "is", null)
    .where((eb) => eb("attempts", ">=", eb.ref("max_attempts")))
    .where("lease_expires_at", "<=", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
