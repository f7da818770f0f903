import type { Executor } from "../queue/index.js";
import type { BusEvent, DeadLetter } from "./types.js";

/** Dead letters, newest first. */
export async function listDeadLetters(
  db: Executor,
  options: { subscriber?: string; limit?: number },
): Promise<DeadLetter[]> {
  const rows = await db
    .selectFrom("event_dead_letters")
    .selectAll()
    .$if(options.subscriber !== undefined, (qb) => qb.where("subscriber", "=", options.subscriber ?? ""))
    .orderBy("failed_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit ?? 100)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    subscriber: row.subscriber,
    event: JSON.parse(row.event) as BusEvent,
    attempts: row.attempts,
    error: row.error,
    failedAt: Number(row.failed_at),
  }));
}

/**
 * Deletes events older than `before` that every subscriber in `subscribers` has handled. Subscribers
 * not named here (say, of another program version) are not waited for; with none named, or with one
 * that has not started yet, nothing is deleted.
 */
export async function pruneEvents(
  db: Executor,
  subscribers: readonly string[],
  before: number,
): Promise<number> {
  if (subscribers.length === 0) return 0;
  const progress = await db
    .selectFrom("event_subscriptions")
    .select((eb) => [eb.fn.min("cursor").as("slowest"), eb.fn.countAll().as("n")])
    .where("name", "in", subscribers)
    .executeTakeFirstOrThrow();
  if (Number(progress.n) < subscribers.length) return 0;
  const result = await db
    .deleteFrom("events")
    .where("time", "<", before)
    .where("seq", "<=", Number(progress.slowest ?? 0))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
