import type { Executor } from "../queue/index.js";
import { toStoredEvent } from "./event.js";
import type { StoredEvent } from "./types.js";

/**
 * Up to `limit` committed events after `cursor`, in commit order. A cursor over `seq` is sound because
 * seq is assigned in commit order (migrations/0003-bus.ts): no event can later appear below it.
 */
export async function readEventsAfter(db: Executor, cursor: number, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom("events")
    .selectAll()
    .where("seq", ">", cursor)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map(toStoredEvent);
}

/** The seq of the last committed event, or 0 when there is none. */
export async function latestSeq(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("events")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}
