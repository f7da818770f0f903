import { sql, type Kysely } from "kysely";
import { serialType, type Migration } from "./types.js";

export const busMigration: Migration = {
  name: "0003-bus",
  async up(db, dialect) {
    const table = db.schema.createTable("events");
    const events =
      dialect === "sqlite"
        ? // AUTOINCREMENT: pruning the newest events must never let a seq be handed out again below a
          // subscriber's cursor.
          table
            .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
            .addColumn("id", "text", (c) => c.notNull().unique())
        : table.addColumn("id", "text", (c) => c.primaryKey()).addColumn("seq", "bigint", (c) => c.unique());
    await events
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("detail_type", "text", (c) => c.notNull())
      .addColumn("account", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("resources", "text", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull())
      .addColumn("time", "bigint", (c) => c.notNull())
      .execute();
    if (dialect === "postgres") await assignSeqAtCommit(db);
    await db.schema
      .createTable("event_subscriptions")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("cursor", "bigint", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_error", "text")
      .addColumn("lease_owner", "text")
      .addColumn("lease_expires_at", "bigint")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("event_dead_letters")
      .addColumn("id", serialType(dialect), (c) => c.primaryKey())
      .addColumn("subscriber", "text", (c) => c.notNull())
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("event_seq", "bigint", (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("error", "text", (c) => c.notNull())
      .addColumn("failed_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("event_dead_letters_subscriber")
      .on("event_dead_letters")
      .columns(["subscriber", "failed_at"])
      .execute();
  },
};

/**
 * PostgreSQL: give each event its `seq` when its transaction commits, not when it is inserted.
 *
 * Subscribers keep a cursor ("every event up to seq N is handled"). A serial id drawn at insert is
 * unsound for that on PostgreSQL: transaction A may draw 5 and commit after B has drawn 6 and
 * committed; a dispatcher reading in between moves its cursor to 6 and never sees 5.
 *
 * A deferred constraint trigger runs at COMMIT. It takes a transaction-scoped advisory lock and only
 * then draws the seq; the lock is released after the commit is visible. So seq order is commit order,
 * and when a reader sees seq N committed, every smaller seq is committed (or rolled back) too. The
 * lock is held only for the commit itself, not from the emit to the end of the caller's transaction,
 * and it is the transaction's last lock, so it cannot deadlock with the caller's row locks.
 *
 * SQLite needs none of this: one writer at a time holds the write lock from its first insert to its
 * commit, so insert order is commit order.
 */
async function assignSeqAtCommit(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence events_seq`.execute(db);
  // The lock key is an arbitrary constant reserved for this trigger ("pwevents" in ASCII).
  await sql`
    create function events_assign_seq() returns trigger language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(8104057613658780787);
      update events set seq = nextval('events_seq') where id = new.id;
      return null;
    end
    $$`.execute(db);
  await sql`
    create constraint trigger events_assign_seq after insert on events
    deferrable initially deferred for each row execute function events_assign_seq()`.execute(db);
}
