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
      const rows = await readRange(ctx, streamId, token, limit, input.startTime, input.endTime);
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
      const forward = last
        ? last.seq + 1
        : token.direction === "f"
          ? token.seq
          : Math.min(token.seq, await nextSeq(ctx, streamId));
      const backward = first ? first.seq : token.direction === "b" ? Math.min(token.seq, forward) : token.seq;
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

/**
 * Up to `limit` lines in `[startTime, endTime)` from the token's position: forward from its seq,
 * or backward from just before it. Chunks are read a page at a time, in the reading direction.
 */
async function readRange(
  ctx: OperationContext,
  streamId: number,
  token: Token,
  limit: number,
  startTime: number | undefined,
  endTime: number | undefined,
): Promise<RangeRow[]> {
  const forward = token.direction === "f";
  const out: RangeRow[] = [];
  let edge = token.seq;
  for (;;) {
    let query = ctx.trx.selectFrom("logs_chunks").selectAll().where("stream_id", "=", streamId);
    if (startTime !== undefined) query = query.where("last_timestamp", ">=", startTime);
    if (endTime !== undefined) query = query.where("first_timestamp", "<", endTime);
    const chunks = forward
      ? await query.where("last_seq", ">=", edge).orderBy("last_seq", "asc").limit(64).execute()
      : await query.where("first_seq", "<", edge).orderBy("first_seq", "desc").limit(64).execute();
    if (chunks.length === 0) return forward ? out : out.reverse();
    for (const chunk of chunks) {
      const lines = unpackChunk(chunk);
      if (!forward) lines.reverse();
      for (const e of lines) {
        if (forward ? e.seq < token.seq : e.seq >= token.seq) continue;
        if (startTime !== undefined && e.timestamp < startTime) continue;
        if (endTime !== undefined && e.timestamp >= endTime) continue;
        out.push({ seq: e.seq, timestamp: e.timestamp, ingestion_time: e.ingestionTime, message: e.message });
        if (out.length >= limit) return forward ? out : out.reverse();
      }
      edge = forward ? chunk.last_seq + 1 : chunk.first_seq;
    }
  }
}
