import { z } from "zod";
import { awsInt, awsString, operation, type OperationContext } from "../kit/index.js";
import { unpackChunk } from "./chunks.js";
import { invalidToken } from "./errors.js";
import { groupNameOf, requireStream } from "./lookup.js";

const GetLogEventsInput = z.object({
  logGroupName: awsString(1, 512).optional(),
  logGroupIdentifier: awsString(1, 2048).optional(),
  logStreamName: awsString(1, 512),
  startTime: z.number().int().min(0).optional(),
  endTime: z.number().int().min(0).optional(),
  nextToken: awsString(1).optional(),
  limit: awsInt(1, 10000).optional(),
  startFromHead: z.boolean().optional(),
  unmask: z.boolean().optional(),
});

/** AWS caps a response at 1 MB of messages as well as at `limit` events. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

type Token = { direction: "f" | "b"; seq: number };

function parseToken(token: string): Token {
  const m = /^([fb])\/(\d+)$/.exec(token);
  if (!m) throw invalidToken(token);
  return { direction: m[1] as "f" | "b", seq: Number(m[2]) };
}

/**
 * GetLogEvents. Tokens are positions in the stream (`f/<seq>` reads from seq on, `b/<seq>` reads the
 * events before seq); a forward token at the end comes back unchanged, which is how the CLI and SDK
 * paginators know they have caught up.
 */
export function getLogEvents() {
  return operation({
    name: "GetLogEvents",
    input: GetLogEventsInput,
    handler: async (input, ctx) => {
      const group = groupNameOf(input);
      const streamId = await requireStream(ctx, group, input.logStreamName);
      const limit = input.limit ?? 10000;
      const token: Token = input.nextToken
        ? parseToken(input.nextToken)
        : input.startFromHead
          ? { direction: "f", seq: 0 }
          : { direction: "b", seq: Number.MAX_SAFE_INTEGER };
      const { rows, edge } = await readRange(ctx, streamId, token, limit, input.startTime, input.endTime);
      // Trim to the byte cap from the far end of the reading direction, so the next token resumes there.
      let bytes = 0;
      let kept = rows;
      if (token.direction === "f") {
        const cut = rows.findIndex((r) => (bytes += Buffer.byteLength(r.message) + 26) > MAX_RESPONSE_BYTES);
        if (cut > 0) kept = rows.slice(0, cut);
      } else {
        let start = rows.length;
        while (start > 0 && (bytes += Buffer.byteLength(rows[start - 1]!.message) + 26) <= MAX_RESPONSE_BYTES)
          start--;
        if (start > 0 && start < rows.length) kept = rows.slice(start);
      }
      const first = kept[0];
      const last = kept[kept.length - 1];
      // A read that stopped early resumes at its edge, unless the byte cap cut the page before it.
      const whole = kept.length === rows.length;
      const forward =
        token.direction === "f" && edge !== undefined && whole
          ? edge
          : last
            ? last.seq + 1
            : token.direction === "f"
              ? token.seq
              : Math.min(token.seq, await nextSeq(ctx, streamId));
      const backward =
        token.direction === "b" && edge !== undefined && whole
          ? edge
          : first
            ? first.seq
            : token.direction === "b"
              ? Math.min(token.seq, forward)
              : token.seq;
      return {
        events: kept.map((r) => ({
          timestamp: r.timestamp,
          message: r.message,
          ingestionTime: r.ingestion_time,
        })),
        nextForwardToken: `f/${String(forward).padStart(20, "0")}`,
        nextBackwardToken: `b/${String(backward).padStart(20, "0")}`,
      };
    },
  });
}

async function nextSeq(ctx: OperationContext, streamId: number): Promise<number> {
  const row = await ctx.trx
    .selectFrom("logs_streams")
    .select("next_seq")
    .where("id", "=", streamId)
    .executeTakeFirst();
  return row?.next_seq ?? 0;
}

interface RangeRow {
  seq: number;
  timestamp: number;
  ingestion_time: number;
  message: string;
}

/** Chunks read per query, and per request: past that a request returns what it found and a token. */
const BATCH = 64;
const MAX_EXAMINED_CHUNKS = 16 * BATCH;

/**
 * Up to `limit` lines in `[startTime, endTime)` from the token's position: forward from its seq,
 * or backward from just before it, in stream order. Chunks are read a batch at a time in the
 * reading direction from the `(stream_id, last_seq)` index and the time range is applied to their
 * lines, so each query reads exactly the chunks it returns. A narrow time range far from the
 * token's position would otherwise read the whole stream: a request stops after about a thousand
 * chunks with `edge`, the seq where reading resumes (AWS too may answer a page with no events).
 */
async function readRange(
  ctx: OperationContext,
  streamId: number,
  token: Token,
  limit: number,
  startTime: number | undefined,
  endTime: number | undefined,
): Promise<{ rows: RangeRow[]; edge?: number }> {
  const forward = token.direction === "f";
  const out: RangeRow[] = [];
  const result = (edge?: number) => ({
    rows: forward ? out : out.reverse(),
    ...(edge === undefined ? {} : { edge }),
  });
  let edge = token.seq;
  let examined = 0;
  for (;;) {
    const query = ctx.trx.selectFrom("logs_chunks").selectAll().where("stream_id", "=", streamId);
    const chunks = forward
      ? await query.where("last_seq", ">=", edge).orderBy("last_seq", "asc").limit(BATCH).execute()
      : await query.where("first_seq", "<", edge).orderBy("first_seq", "desc").limit(BATCH).execute();
    for (const chunk of chunks) {
      const inRange =
        (startTime === undefined || chunk.last_timestamp >= startTime) &&
        (endTime === undefined || chunk.first_timestamp < endTime);
      const lines = inRange ? unpackChunk(chunk) : [];
      if (!forward) lines.reverse();
      for (const e of lines) {
        if (forward ? e.seq < token.seq : e.seq >= token.seq) continue;
        if (startTime !== undefined && e.timestamp < startTime) continue;
        if (endTime !== undefined && e.timestamp >= endTime) continue;
        out.push({ seq: e.seq, timestamp: e.timestamp, ingestion_time: e.ingestionTime, message: e.message });
        if (out.length >= limit) return result();
      }
      edge = forward ? chunk.last_seq + 1 : chunk.first_seq;
    }
    examined += chunks.length;
    if (chunks.length < BATCH) return result();
    if (examined >= MAX_EXAMINED_CHUNKS) return result(edge);
  }
}
