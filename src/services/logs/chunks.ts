import type { Selectable } from "kysely";
import type { Database } from "../../platform/store/index.js";

/** A stored chunk of consecutive lines of one stream (without the stream's group, which the stream names). */
export type ChunkRow = Omit<Selectable<Database["logs_chunks"]>, "account_id" | "region" | "group_name">;

/** One line of a stream, unpacked from its chunk. */
export interface ChunkEvent {
  /** The stream's sequence number of the line: 0, 1, 2… in append order. */
  seq: number;
  /** When the line was written, epoch ms. */
  timestamp: number;
  ingestionTime: number;
  message: string;
}

/** Lines per chunk, and message bytes per chunk: past either a new chunk starts. */
const MAX_LINES = 1000;
const MAX_BYTES = 256 * 1024;

/** Packs lines (whose first gets `firstSeq`) into chunk rows of stream `streamId`. */
export function packChunks(
  streamId: number,
  firstSeq: number,
  ingestionTime: number,
  lines: ReadonlyArray<{ timestamp: number; message: string }>,
): ChunkRow[] {
  const chunks: ChunkRow[] = [];
  let t: number[] = [];
  let m: string[] = [];
  let bytes = 0;
  let seq = firstSeq;
  const flush = () => {
    if (t.length === 0) return;
    let low = t[0]!;
    let high = low;
    for (const x of t) {
      if (x < low) low = x;
      if (x > high) high = x;
    }
    chunks.push({
      stream_id: streamId,
      first_seq: seq - t.length,
      last_seq: seq - 1,
      first_timestamp: low,
      last_timestamp: high,
      ingestion_time: ingestionTime,
      events: encodeEvents(low, t, m),
    });
    t = [];
    m = [];
    bytes = 0;
  };
  for (const line of lines) {
    const size = Buffer.byteLength(line.message);
    if (t.length >= MAX_LINES || (t.length > 0 && bytes + size > MAX_BYTES)) flush();
    t.push(line.timestamp);
    m.push(line.message);
    bytes += size;
    seq++;
  }
  flush();
  return chunks;
}

/**
 * A chunk's lines as stored: JSON `{"d": [...], "m": [...]}`, each line's timestamp as its offset
 * from the chunk's earliest (`first_timestamp`), which keeps the common case (many lines in the
 * same millisecond) to a digit or two a line.
 */
export function encodeEvents(
  firstTimestamp: number,
  timestamps: readonly number[],
  messages: readonly string[],
): string {
  return JSON.stringify({ d: timestamps.map((x) => x - firstTimestamp), m: messages });
}

/** The lines of a chunk, in order. */
export function unpackChunk(row: ChunkRow): ChunkEvent[] {
  const { d, m } = JSON.parse(row.events) as { d: number[]; m: string[] };
  return d.map((offset, i) => ({
    seq: row.first_seq + i,
    timestamp: row.first_timestamp + offset,
    ingestionTime: row.ingestion_time,
    message: m[i] ?? "",
  }));
}
