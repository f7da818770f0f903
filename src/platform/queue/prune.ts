import type { Executor } from "./types.js";

/**
 * Deletes up to `limit` of the jobs that died (ran out of attempts) before `before`, oldest first;
 * returns how many. Completed jobs are deleted when they complete, so dead ones are the queue's only
 * history. They are read through the `jobs_dead` index (migrations/0030-retention.ts).
 *
 * The outer `failed_at` test is the concurrency guard: a keyed dead job revived by an enqueue
 * between the choice and the delete has `failed_at` null again and is left alone (PostgreSQL
 * re-checks the condition on the row's new version; SQLite runs the statement alone).
 */
export async function pruneDeadJobs(db: Executor, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom("jobs")
    .where("id", "in", (eb) =>
      eb
        .selectFrom("jobs")
        .select("id")
        .where("failed_at", "is not", null)
        .where("failed_at", "<", before)
        .orderBy("failed_at")
        .limit(limit),
    )
    .where("failed_at", "is not", null)
    .where("failed_at", "<", before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
