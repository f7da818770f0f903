import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";
import { unpackChunk } from "./chunks.js";
import type { LogStreamRef } from "./notifier.js";

/** One stored line of a stream, with its place in it. */
export interface StoredLogEvent {
  /** The stream's sequence number of the line: 0, 1, 2… in append order. */
  seq: number;
  /** When the line was written, epoch ms. */
  timestamp: number;
  message: string;
}

/** The id of the stream `ref`, or undefined while nothing has been appended to it. */
export async function findLogStreamId(db: Kysely<Database>, ref: LogStreamRef): Promise<number | undefined> {
  const row = await db
    .selectFrom("logs_streams")
    .select("id")
    .where("account_id", "=", ref.accountId)
    .where("region", "=", ref.region)
    .where("group_name", "=", ref.group)
    .where("name", "=", ref.stream)
    .executeTakeFirst();
  return row?.id;
}

/**
 * Up to `limit` lines of stream `streamId` after sequence number `afterSeq` (-1 for the first), in
 * order. Readers page through a stream with it, so a 100 MB log is never in memory at once; the
 * `(stream_id, last_seq)` index makes each page an index range scan, however deep into the stream.
 */
export async function readLogEventsAfter(
  db: Kysely<Database>,
  streamId: number,
  afterSeq: number,
  limit: number,
): Promise<StoredLogEvent[]> {
  const out: StoredLogEvent[] = [];
  let after = afterSeq;
  while (out.length < limit) {
    const chunks = await db
      .selectFrom("logs_chunks")
      .selectAll()
      .where("stream_id", "=", streamId)
      .where("last_seq", ">", after)
      .orderBy("last_seq", "asc")
      .limit(64)
      .execute();
    if (chunks.length === 0) break;
    for (const chunk of chunks) {
      for (const e of unpackChunk(chunk)) {
        if (e.seq <= afterSeq || out.length >= limit) continue;
        out.push({ seq: e.seq, timestamp: e.timestamp, message: e.message });
      }
      after = chunk.last_seq;
    }
  }
  return out;
}
