import { errorMessage } from "../../core/index.js";
import { isOtherLeaseOwnerDead, type Executor } from "../queue/index.js";
import type { Store } from "../store/index.js";
import type { StoredEvent } from "./types.js";

// A subscriber is driven by one dispatcher at a time, the holder of its lease, so that replicas
// sharing a database neither deliver each event once per replica nor break its order. Every write
// of progress is fenced by the lease: a dispatcher that lost it cannot move the cursor.

/** A subscriber's stored progress, as its lease holder sees it. */
export interface SubscriptionState {
  cursor: number;
  /** Failed deliveries of the event after the cursor. */
  attempts: number;
}

/** Creates the subscriber's progress row at `cursor` if it has none yet. */
export async function ensureSubscription(
  db: Executor,
  name: string,
  cursor: number,
  now: number,
): Promise<void> {
  await db
    .insertInto("event_subscriptions")
    .values({
      name,
      cursor,
      attempts: 0,
      last_error: null,
      lease_owner: null,
      lease_expires_at: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
}

/**
 * Takes or extends the subscriber's lease for `owner` when it is free, expired or already `owner`'s.
 * Returns the stored progress, or undefined when another dispatcher holds the lease.
 */
export async function acquireSubscription(
  db: Executor,
  name: string,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<SubscriptionState | undefined> {
  const take = db
    .updateTable("event_subscriptions")
    .set({ lease_owner: owner, lease_expires_at: now + leaseMs })
    .where("name", "=", name)
    .returning(["cursor", "attempts"]);
  let row = await take
    .where((eb) =>
      eb.or([
        eb("lease_owner", "=", owner),
        eb("lease_owner", "is", null),
        eb("lease_expires_at", "<=", now),
      ]),
    )
    .executeTakeFirst();
  if (!row) {
    // Held by a process of this machine that died (a server killed and started again): take it
    // now rather than when the lease runs out. The holder is named, so a new holder is not displaced.
    const holder = await db
      .selectFrom("event_subscriptions")
      .select("lease_owner")
      .where("name", "=", name)
      .executeTakeFirst();
    const dead = holder?.lease_owner;
    if (dead && isOtherLeaseOwnerDead(dead)) {
      row = await take.where("lease_owner", "=", dead).executeTakeFirst();
    }
  }
  return row ? { cursor: Number(row.cursor), attempts: row.attempts } : undefined;
}

/** Moves the cursor to `cursor` and clears the failure count; false when the lease is lost. */
export async function advanceCursor(
  db: Executor,
  name: string,
  owner: string,
  cursor: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("event_subscriptions")
    .set({ cursor, attempts: 0, last_error: null, updated_at: now })
    .where("name", "=", name)
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Stores a failed delivery so a restart keeps counting; false when the lease is lost. */
export async function recordFailure(
  db: Executor,
  name: string,
  owner: string,
  attempts: number,
  error: unknown,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("event_subscriptions")
    .set({ attempts, last_error: errorMessage(error).slice(0, 4000), updated_at: now })
    .where("name", "=", name)
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records the event as a dead letter for this subscriber and moves the cursor past it, atomically;
 * false (and nothing written) when the lease is lost.
 */
export async function deadLetterEvent(
  store: Store,
  name: string,
  owner: string,
  stored: StoredEvent,
  attempts: number,
  error: unknown,
  now: number,
): Promise<boolean> {
  return await store.transaction(async (trx) => {
    // The fenced update goes first: it takes the write lock (SQLite) and proves the lease.
    if (!(await advanceCursor(trx, name, owner, stored.seq, now))) return false;
    await trx
      .insertInto("event_dead_letters")
      .values({
        subscriber: name,
        event_id: stored.event.id,
        event_seq: stored.seq,
        event: JSON.stringify(stored.event),
        attempts,
        error: errorMessage(error).slice(0, 4000),
        failed_at: now,
      })
      .execute();
    return true;
  });
}

/** Gives the lease up so another dispatcher can take over at once. */
export async function releaseSubscription(db: Executor, name: string, owner: string): Promise<void> {
  await db
    .updateTable("event_subscriptions")
    .set({ lease_owner: null, lease_expires_at: null })
    .where("name", "=", name)
    .where("lease_owner", "=", owner)
    .execute();
}
