import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { logsChunksMigration } from "./0013-logs-chunks.js";
import { migrations } from "./index.js";

describe("migration 0013-logs-chunks", () => {
  it("moves every stored line into one-line chunks and drops the old table", async () => {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(":memory:") }) });
    try {
      for (const m of migrations) {
        if (m === logsChunksMigration) break;
        await m.up(db, "sqlite");
      }
      for (let i = 0; i < 1203; i++) {
        await sql`insert into logs_events (stream_id, seq, timestamp, ingestion_time, message)
          values (${i % 2}, ${Math.floor(i / 2)}, ${10_000 + i}, 5, ${`line ${i}`})`.execute(db);
      }
      await logsChunksMigration.up(db, "sqlite");
      const rows = await sql<{ stream_id: number; first_seq: number; last_seq: number; events: string }>`
        select stream_id, first_seq, last_seq, events from logs_chunks order by stream_id, first_seq`.execute(
        db,
      );
      expect(rows.rows).toHaveLength(1203);
      expect(rows.rows[0]).toEqual({
        stream_id: 0,
        first_seq: 0,
        last_seq: 0,
        events: JSON.stringify({ d: [0], m: ["line 0"] }),
      });
      expect(rows.rows.at(-1)).toMatchObject({ stream_id: 1, first_seq: 600, last_seq: 600 });
      const old = await sql`select name from sqlite_master where name = 'logs_events'`.execute(db);
      expect(old.rows).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
