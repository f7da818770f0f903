import type { Kysely } from "kysely";
import type { Migration } from "./types.js";

/**
 * Log events stored in chunks of consecutive lines instead of one row per line: a build that
 * prints 50 million short lines made 50 million rows (minutes to insert, gigabytes of per-row
 * overhead). A chunk keeps every line's own timestamp and sequence number, so nothing a reader
 * sees changes. Existing events move over as one-line chunks.
 */
export const logsChunksMigration: Migration = {
  name: "0013-logs-chunks",
  async up(db) {
    await db.schema
      .createTable("logs_chunks")
      .addColumn("stream_id", "bigint", (c) => c.notNull())
      .addColumn("first_seq", "bigint", (c) => c.notNull())
      .addColumn("last_seq", "bigint", (c) => c.notNull())
      .addColumn("first_timestamp", "bigint", (c) => c.notNull())
      .addColumn("last_timestamp", "bigint", (c) => c.notNull())
      .addColumn("ingestion_time", "bigint", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("logs_chunks_pk", ["stream_id", "first_seq"])
      .execute();
    await db.schema
      .createIndex("logs_chunks_last_seq")
      .on("logs_chunks")
      .columns(["stream_id", "last_seq"])
      .execute();
    await db.schema
      .createIndex("logs_chunks_time")
      .on("logs_chunks")
      .columns(["first_timestamp", "stream_id"])
      .execute();
    await copyEvents(db as Kysely<OldTables>);
    await db.schema.dropTable("logs_events").execute();
  },
};

interface OldTables {
  logs_events: { stream_id: number; seq: number; timestamp: number; ingestion_time: number; message: string };
  logs_chunks: {
    stream_id: number;
    first_seq: number;
    last_seq: number;
    first_timestamp: number;
    last_timestamp: number;
    ingestion_time: number;
    events: string;
  };
}

async function copyEvents(db: Kysely<OldTables>): Promise<void> {
  let after = { stream: -1, seq: -1 };
  for (;;) {
    const rows = await db
      .selectFrom("logs_events")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb("stream_id", ">", after.stream),
          eb.and([eb("stream_id", "=", after.stream), eb("seq", ">", after.seq)]),
        ]),
      )
      .orderBy("stream_id")
      .orderBy("seq")
      .limit(500)
      .execute();
    if (rows.length === 0) return;
    await db
      .insertInto("logs_chunks")
      .values(
        rows.map((r) => ({
          stream_id: r.stream_id,
          first_seq: r.seq,
          last_seq: r.seq,
          first_timestamp: r.timestamp,
          last_timestamp: r.timestamp,
          ingestion_time: r.ingestion_time,
          // The chunk format of services/logs/chunks.ts: offsets from first_timestamp, and messages.
          events: JSON.stringify({ d: [0], m: [r.message] }),
        })),
      )
      .execute();
    const last = rows[rows.length - 1]!;
    after = { stream: last.stream_id, seq: last.seq };
  }
}
