import { z } from "zod";
import { awsInt, awsList, awsString, decodePageToken, encodePageToken, operation } from "../kit/index.js";
import { unpackChunk } from "./chunks.js";
import { invalidToken } from "./errors.js";
import { groupNameOf, requireGroup } from "./lookup.js";

const FilterLogEventsInput = z.object({
  logGroupName: awsString(1, 512).optional(),
  logGroupIdentifier: awsString(1, 2048).optional(),
  logStreamNames: awsList(awsString(1, 512), 1, 100).optional(),
  logStreamNamePrefix: awsString(1, 512).optional(),
  startTime: z.number().int().min(0).optional(),
  endTime: z.number().int().min(0).optional(),
  filterPattern: awsString(0, 1024).optional(),
  nextToken: awsString(1).optional(),
  limit: awsInt(1, 10000).optional(),
  interleaved: z.boolean().optional(),
  unmask: z.boolean().optional(),
});

/** One line of a group while merging its streams. */
interface Line extends Cursor {
  m: string;
  i: number;
  n: string;
}

/** Chunks read per query, and per request: past that a request returns a short page and a token. */
const BATCH = 64;
const MAX_EXAMINED_CHUNKS = 16 * BATCH;

function compareLines(a: Cursor, b: Cursor): number {
  return a.t - b.t || a.s - b.s || a.q - b.q;
}

/** Where a listing resumes: the last event returned, in (timestamp, stream, seq) order. */
type Cursor = {
  t: number;
  s: number;
  q: number;
};

function isCursor(position: unknown): position is Cursor {
  const c = position as Partial<Cursor> | null;
  return typeof c === "object" && c !== null && [c.t, c.s, c.q].every((n) => Number.isInteger(n));
}

/**
 * A filter pattern as CloudWatch Logs reads unstructured text: terms that must all appear
 * (case-sensitive), `"quoted phrases"`, and `-term` for terms that must not. An empty pattern
 * matches everything. JSON and space-delimited patterns are not supported: they match as text.
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  const terms = [...(pattern ?? "").matchAll(/(-?)"([^"]*)"|(-?)(\S+)/g)].map((m) => ({
    negate: (m[1] ?? m[3]) === "-",
    text: m[2] ?? m[4] ?? "",
  }));
  return (message) =>
    terms.every(({ negate, text }) => (text === "" ? true : message.includes(text) !== negate));
}

/**
 * FilterLogEvents across the streams of a group, in timestamp order (always interleaved, as AWS
 * does now). `aws logs tail` and `--follow` use this: they poll with a moving `startTime` and
 * de-duplicate by `eventId`, so ids are stable (`<stream>-<seq>`).
 */
export function filterLogEvents() {
  return operation({
    name: "FilterLogEvents",
    input: FilterLogEventsInput,
    handler: async (input, ctx) => {
      const group = groupNameOf(input);
      const span = (await requireGroup(ctx, group)).maxChunkSpan;
      const limit = input.limit ?? 10000;
      const matches = compileFilterPattern(input.filterPattern);
      const listing = `FilterLogEvents/${group}`;
      const cursor = decodePageToken(input.nextToken, listing, isCursor, () =>
        invalidToken(input.nextToken ?? ""),
      );
      // The group's chunks in time order, from the `logs_chunks_group_time` index.
      let query = ctx.trx
        .selectFrom("logs_chunks as c")
        .innerJoin("logs_streams as s", "s.id", "c.stream_id")
        .select([
          "c.stream_id",
          "c.first_seq",
          "c.last_seq",
          "c.first_timestamp",
          "c.last_timestamp",
          "c.ingestion_time",
          "c.events",
        ])
        .select("s.name as stream_name")
        .where("c.account_id", "=", ctx.accountId)
        .where("c.region", "=", ctx.region)
        .where("c.group_name", "=", group);
      if (input.logStreamNames) query = query.where("s.name", "in", input.logStreamNames);
      if (input.logStreamNamePrefix) {
        const prefix = input.logStreamNamePrefix;
        query = query.where("s.name", ">=", prefix).where("s.name", "<", `${prefix}\u{10FFFF}`);
      }
      const from = Math.max(input.startTime ?? 0, cursor?.t ?? 0);
      // A chunk holding a line at `from` begins at most the group's longest chunk span before it.
      if (from > 0) {
        query = query.where("c.first_timestamp", ">=", from - span).where("c.last_timestamp", ">=", from);
      }
      if (input.endTime !== undefined) query = query.where("c.first_timestamp", "<=", input.endTime);
      const inRange = (e: Line): boolean =>
        (input.startTime === undefined || e.t >= input.startTime) &&
        (input.endTime === undefined || e.t <= input.endTime) &&
        (cursor === undefined || compareLines(e, cursor) > 0);

      const events: Array<{
        logStreamName: string;
        timestamp: number;
        message: string;
        ingestionTime: number;
        eventId: string;
      }> = [];
      // Chunks are read in order of their first timestamp, in batches. Every line of a chunk not yet
      // read sorts after the last chunk read (its first line's time is the chunk's earliest), so
      // once a batch is read, the lines up to that chunk's position are final and are emitted: lines
      // of interleaved streams come out in (timestamp, stream, seq) order however chunks overlap.
      let pending: Line[] = [];
      let next: Cursor | undefined;
      let last: Cursor | undefined;
      let full = false;
      let examined = 0;
      let capped: boolean;
      for (;;) {
        let page = query;
        if (next) {
          const n = next;
          page = page.where((eb) =>
            eb.or([
              eb("c.first_timestamp", ">", n.t),
              eb.and([eb("c.first_timestamp", "=", n.t), eb("c.stream_id", ">", n.s)]),
              eb.and([
                eb("c.first_timestamp", "=", n.t),
                eb("c.stream_id", "=", n.s),
                eb("c.first_seq", ">", n.q),
              ]),
            ]),
          );
        }
        const chunks = await page
          .orderBy("c.first_timestamp")
          .orderBy("c.stream_id")
          .orderBy("c.first_seq")
          .limit(BATCH)
          .execute();
        examined += chunks.length;
        for (const chunk of chunks) {
          for (const e of unpackChunk(chunk)) {
            const line = {
              t: e.timestamp,
              s: chunk.stream_id,
              q: e.seq,
              m: e.message,
              i: e.ingestionTime,
              n: chunk.stream_name,
            };
            if (inRange(line)) pending.push(line);
          }
          next = { t: chunk.first_timestamp, s: chunk.stream_id, q: chunk.first_seq };
        }
        const done = chunks.length < BATCH;
        // Stop early only where the token moves past the one given, so paging always advances.
        capped = !done && examined >= MAX_EXAMINED_CHUNKS && (!cursor || compareLines(next!, cursor) > 0);
        pending.sort(compareLines);
        const frontier = next;
        const ready = done || !frontier ? -1 : pending.findIndex((l) => compareLines(l, frontier) > 0);
        const emit = ready === -1 ? pending : pending.slice(0, ready);
        pending = ready === -1 ? [] : pending.slice(ready);
        for (const l of emit) {
          last = { t: l.t, s: l.s, q: l.q };
          if (!matches(l.m)) continue;
          events.push({
            logStreamName: l.n,
            timestamp: l.t,
            message: l.m,
            ingestionTime: l.i,
            eventId: `${l.s}-${l.q}`,
          });
          if (events.length >= limit) {
            full = true;
            break;
          }
        }
        if (full || done || capped) break;
      }
      // A full page may have more behind it; the token resumes after the last event returned. A
      // request that examined its share of chunks first returns what it found (perhaps nothing) with
      // a token that resumes after the last chunk read, as AWS does when a search runs long.
      const resume = full ? last : capped ? next : undefined;
      const nextToken = resume ? encodePageToken(listing, resume) : undefined;
      return { events, searchedLogStreams: [], ...(nextToken ? { nextToken } : {}) };
    },
  });
}
