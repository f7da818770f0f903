import { sql, type SelectQueryBuilder } from "kysely";
import { z } from "zod";
import {
  awsEnum,
  awsInt,
  awsString,
  decodePageToken,
  encodePageToken,
  isKey,
  operation,
} from "../kit/index.js";
import { invalidToken, logsError } from "./errors.js";
import { groupArn, groupNameOf, requireGroup } from "./lookup.js";

const DescribeLogGroupsInput = z.object({
  accountIdentifiers: z.array(z.string()).optional(),
  logGroupNamePrefix: awsString(1, 512).optional(),
  logGroupNamePattern: awsString(0, 512).optional(),
  nextToken: awsString(1).optional(),
  limit: awsInt(1, 50).optional(),
  includeLinkedAccounts: z.boolean().optional(),
  logGroupClass: z.string().optional(),
  logGroupIdentifiers: z.array(z.string()).optional(),
});

/**
 * Groups a DescribeLogGroups request with a `logGroupNamePattern` looks at, at most: no index finds
 * a substring, so a request that meets few matches returns a short (even empty) page with a token
 * that resumes after the last group it examined, as AWS does.
 */
const EXAMINED = 1000;

/** DescribeLogGroups: groups in name order from the name index, by prefix or substring pattern. */
export function describeLogGroups() {
  return operation({
    name: "DescribeLogGroups",
    input: DescribeLogGroupsInput,
    handler: async (input, ctx) => {
      const limit = input.limit ?? 50;
      const pattern = input.logGroupNamePattern;
      let query = ctx.trx
        .selectFrom("logs_groups")
        .select(["name", "created_at", "stored_bytes"])
        // Only a pattern's matches are returned; the rest are examined and passed over.
        .select(
          pattern
            ? sql<number>`case when name like ${`%${pattern}%`} then 1 else 0 end`.as("hit")
            : sql<number>`1`.as("hit"),
        )
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region);
      if (input.logGroupNamePrefix) query = withPrefix(query, input.logGroupNamePrefix);
      const after = decodePageToken(input.nextToken, "DescribeLogGroups", isKey, () =>
        invalidToken(input.nextToken ?? ""),
      );
      if (after !== undefined) query = query.where("name", ">", after);
      const window = pattern ? EXAMINED : limit;
      const rows = await query
        .orderBy("name")
        .limit(window + 1)
        .execute();
      const examined = rows.slice(0, window);
      const page: typeof rows = [];
      let resume: string | undefined;
      for (const row of examined) {
        if (Number(row.hit) !== 1) continue;
        if (page.length === limit) {
          resume = page[page.length - 1]!.name;
          break;
        }
        page.push(row);
      }
      if (resume === undefined && rows.length > window) resume = examined[examined.length - 1]!.name;
      const arn = (name: string) => groupArn(ctx.region, ctx.accountId, name);
      return {
        logGroups: page.map((r) => ({
          logGroupName: r.name,
          creationTime: r.created_at,
          metricFilterCount: 0,
          arn: `${arn(r.name)}:*`,
          logGroupArn: arn(r.name),
          storedBytes: Number(r.stored_bytes),
          logGroupClass: "STANDARD",
        })),
        ...(resume !== undefined ? { nextToken: encodePageToken("DescribeLogGroups", resume) } : {}),
      };
    },
  });
}

const DescribeLogStreamsInput = z.object({
  logGroupName: awsString(1, 512).optional(),
  logGroupIdentifier: awsString(1, 2048).optional(),
  logStreamNamePrefix: awsString(1, 512).optional(),
  orderBy: awsEnum(["LogStreamName", "LastEventTime"]).optional(),
  descending: z.boolean().optional(),
  nextToken: awsString(1).optional(),
  limit: awsInt(1, 50).optional(),
});

/** Where DescribeLogStreams resumes: the last stream's name, and its last event time when ordered by it. */
type StreamPosition = { n: string; t?: number };

function isStreamPosition(position: unknown): position is StreamPosition {
  const p = position as Partial<StreamPosition> | null;
  return (
    typeof p === "object" &&
    p !== null &&
    typeof p.n === "string" &&
    (p.t === undefined || Number.isSafeInteger(p.t))
  );
}

/**
 * The order by last event time: streams without events as -1 (first), the same expression as the
 * `logs_streams_last_event` index, written out so that both dialects match it to the index.
 */
const LAST_EVENT = sql<number>`coalesce(last_event_at, -1)`;

/**
 * DescribeLogStreams: by name (default) from the stream name index, or by last event time from
 * `logs_streams_last_event`, ties by name, with a name prefix; each page resumes after the last
 * stream returned.
 */
export function describeLogStreams() {
  return operation({
    name: "DescribeLogStreams",
    input: DescribeLogStreamsInput,
    handler: async (input, ctx) => {
      const group = groupNameOf(input);
      await requireGroup(ctx, group);
      const byTime = input.orderBy === "LastEventTime";
      if (byTime && input.logStreamNamePrefix) {
        throw logsError(
          "InvalidParameterException",
          "Cannot order by LastEventTime with a logStreamNamePrefix.",
        );
      }
      const limit = input.limit ?? 50;
      const dir = input.descending ? "desc" : "asc";
      const listing = `DescribeLogStreams/${group}/${byTime ? "LastEventTime" : "LogStreamName"}/${dir}`;
      const after = decodePageToken(input.nextToken, listing, isStreamPosition, () =>
        invalidToken(input.nextToken ?? ""),
      );
      if (after && byTime !== (after.t !== undefined)) throw invalidToken(input.nextToken ?? "");
      const beyond = dir === "asc" ? ">" : "<";
      let query = ctx.trx
        .selectFrom("logs_streams")
        .selectAll()
        .select(LAST_EVENT.as("last_event_key"))
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("group_name", "=", group);
      if (input.logStreamNamePrefix) query = withPrefix(query, input.logStreamNamePrefix);
      if (after && byTime) {
        const { n, t } = after as Required<StreamPosition>;
        const op = sql.raw(beyond);
        query = query.where(
          sql<boolean>`(${LAST_EVENT} ${sql.raw(dir === "asc" ? ">=" : "<=")} ${t} and (${LAST_EVENT} ${op} ${t} or (${LAST_EVENT} = ${t} and name ${op} ${n})))`,
        );
      } else if (after) {
        query = query.where("name", beyond, after.n);
      }
      query = byTime ? query.orderBy(LAST_EVENT, dir).orderBy("name", dir) : query.orderBy("name", dir);
      const rows = await query.limit(limit + 1).execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const base = groupArn(ctx.region, ctx.accountId, group);
      return {
        logStreams: page.map((r) => ({
          logStreamName: r.name,
          creationTime: r.created_at,
          ...(r.first_event_at !== null ? { firstEventTimestamp: r.first_event_at } : {}),
          ...(r.last_event_at !== null ? { lastEventTimestamp: r.last_event_at } : {}),
          ...(r.last_ingestion_at !== null ? { lastIngestionTime: r.last_ingestion_at } : {}),
          uploadSequenceToken: String(r.next_seq),
          arn: `${base}:log-stream:${r.name}`,
          storedBytes: r.stored_bytes,
        })),
        ...(rows.length > limit && last
          ? {
              nextToken: encodePageToken(
                listing,
                byTime ? { n: last.name, t: Number(last.last_event_key) } : { n: last.name },
              ),
            }
          : {}),
      };
    },
  });
}

/**
 * Names that start with `prefix`, as a range of the name index (a LIKE is case-insensitive on
 * SQLite and cannot use it): at or after the prefix, and before the prefix followed by the
 * highest code point.
 */
function withPrefix<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  prefix: string,
): SelectQueryBuilder<DB, TB, O> {
  return query.where(sql<boolean>`name >= ${prefix} and name < ${`${prefix}\u{10FFFF}`}`);
}
