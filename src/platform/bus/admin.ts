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
 * Deletes up to `limit` of the oldest events that every subscriber in `subscribers` has handled and
 * that were emitted before `before`; returns how many. Subscribers not named here (say, of another
 * program version, or one since removed) are not waited for; with none named, or with one that has
 * not registered yet (it may start from the beginning), nothing is deleted.
 *
 * It reads the oldest handled events by seq (the primary key) and deletes the run of them emitted
 * before `before`, stopping at the first younger one: at most `limit` rows are read and deleted,
 * without an index on time. Times follow seq closely (an event's time is taken at emit, its seq at
 * commit), so an old event behind a slightly younger one waits one sweep more, never less.
 */
export async function pruneEvents(
  db: Executor,
  subscribers: readonly string[],
  before: number,
  limit: number,
): Promise<number> {
  const handled = await handledByAll(db, subscribers);
  if (handled === undefined) return 0;
  const oldest = await db
    .selectFrom("events")
    .select(["seq", "time"])
    .where("seq", "<=", handled)
    .orderBy("seq")
    .limit(limit)
    .execute();
  const young = oldest.findIndex((row) => Number(row.time) >= before);
  const count = young === -1 ? oldest.length : young;
  if (count === 0) return 0;
  // The same first `count` events again, by key: the statement says its own bound.
  const result = await db
    .deleteFrom("events")
    .where("seq", "in", (eb) =>
      eb
        .selectFrom("events")
        .select("seq")
        .where("seq", "<=", Number(oldest[count - 1]!.seq))
        .orderBy("seq")
        .limit(count),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The seq every one of `subscribers` has handled, or undefined when one has no progress stored. */
async function handledByAll(db: Executor, subscribers: readonly string[]): Promise<number | undefined> {
  if (subscribers.length === 0) return undefined;
  const progress = await db
    .selectFrom("event_subscriptions")
    .select((eb) => [eb.fn.min("cursor").as("slowest"), eb.fn.countAll().as("n")])
    .where("name", "in", subscribers)
    .executeTakeFirstOrThrow();
  if (Number(progress.n) < subscribers.length) return undefined;
  return Number(progress.slowest ?? 0);
}
