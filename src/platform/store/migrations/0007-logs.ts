import { serialType, type Migration } from "./types.js";

/** CloudWatch Logs: groups, streams and every event of a stream in order. */
export const logsMigration: Migration = {
  name: "0007-logs",
  async up(db, dialect) {
    await db.schema
      .createTable("logs_groups")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("logs_groups_pk", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("logs_streams")
      .addColumn("id", serialType(dialect), (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("group_name", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("first_event_at", "bigint")
      .addColumn("last_event_at", "bigint")
      .addColumn("last_ingestion_at", "bigint")
      .addColumn("stored_bytes", "bigint", (c) => c.notNull())
      .addColumn("next_seq", "bigint", (c) => c.notNull())
      .addUniqueConstraint("logs_streams_name", ["account_id", "region", "group_name", "name"])
      .execute();
    // Events are keyed by stream and a per-stream sequence: the order they were written in.
    await db.schema
      .createTable("logs_events")
      .addColumn("stream_id", "bigint", (c) => c.notNull())
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addColumn("timestamp", "bigint", (c) => c.notNull())
      .addColumn("ingestion_time", "bigint", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("logs_events_pk", ["stream_id", "seq"])
      .execute();
  },
};
