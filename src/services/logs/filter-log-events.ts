import { z } from "zod";
import { awsInt, awsList, awsString, operation } from "../kit/index.js";
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

/** Where a listing resumes: the last event returned, in (timestamp, stream, seq) order. */
interface Cursor {
  t: number;
  s: number;
  q: number;
}

function decodeCursor(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, "base64url").toString()) as Cursor;
    if ([c.t, c.s, c.q].every((n) => Number.isInteger(n))) return c;
  } catch {
    // fall through: not one of ours
  }
  throw invalidToken(token);
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
export const filterLogEvents = operation({
  name: "FilterLogEvents",
  input: FilterLogEventsInput,
  handler: async (input, ctx) => {
    const group = groupNameOf(input);
    await requireGroup(ctx, group);
    const limit = input.limit ?? 10000;
    const matches = compileFilterPattern(input.filterPattern);
    const cursor = input.nextToken ? decodeCursor(input.nextToken) : undefined;
    let query = ctx.trx
      .selectFrom("logs_events as e")
      .innerJoin("logs_streams as s", "s.id", "e.stream_id")
      .select([
        "e.stream_id",
        "e.seq",
        "e.timestamp",
        "e.ingestion_time",
        "e.message",
        "s.name as stream_name",
      ])
      .where("s.account_id", "=", ctx.accountId)
      .where("s.region", "=", ctx.region)
      .where("s.group_name", "=", group);
    if (input.logStreamNames) query = query.where("s.name", "in", input.logStreamNames);
    if (input.logStreamNamePrefix) {
      const prefix = input.logStreamNamePrefix;
      query = query.where("s.name", ">=", prefix).where("s.name", "<", `${prefix}\u{10FFFF}`);
    }
    if (input.startTime !== undefined) query = query.where("e.timestamp", ">=", input.startTime);
    if (input.endTime !== undefined) query = query.where("e.timestamp", "<=", input.endTime);
    if (cursor) {
      query = query.where((eb) =>
        eb.or([
          eb("e.timestamp", ">", cursor.t),
          eb.and([eb("e.timestamp", "=", cursor.t), eb("e.stream_id", ">", cursor.s)]),
          eb.and([
            eb("e.timestamp", "=", cursor.t),
            eb("e.stream_id", "=", cursor.s),
            eb("e.seq", ">", cursor.q),
          ]),
        ]),
      );
    }
    const events: Array<{
      logStreamName: string;
      timestamp: number;
      message: string;
      ingestionTime: number;
      eventId: string;
    }> = [];
    // Scan in pages so a pattern that matches little does not load the whole group at once.
    const page = 1000;
    let last: Cursor | undefined;
    let full = false;
    scan: for (let offset = 0; ; offset += page) {
      const rows = await query
        .orderBy("e.timestamp")
        .orderBy("e.stream_id")
        .orderBy("e.seq")
        .limit(page)
        .offset(offset)
        .execute();
      for (const r of rows) {
        last = { t: r.timestamp, s: r.stream_id, q: r.seq };
        if (!matches(r.message)) continue;
        events.push({
          logStreamName: r.stream_name,
          timestamp: r.timestamp,
          message: r.message,
          ingestionTime: r.ingestion_time,
          eventId: `${r.stream_id}-${r.seq}`,
        });
        if (events.length >= limit) {
          full = true;
          break scan;
        }
      }
      if (rows.length < page) break;
    }
    // A full page may have more behind it; the token resumes after the last event returned.
    const nextToken = full && last ? Buffer.from(JSON.stringify(last)).toString("base64url") : undefined;
    return { events, searchedLogStreams: [], ...(nextToken ? { nextToken } : {}) };
  },
});
