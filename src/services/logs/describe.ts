import { z } from "zod";
import {
  awsEnum,
  awsInt,
  awsString,
  decodePageToken,
  encodePageToken,
  isKey,
  isOffset,
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

/** DescribeLogGroups: groups in name order, by prefix or substring pattern. */
export function describeLogGroups() {
  return operation({
    name: "DescribeLogGroups",
    input: DescribeLogGroupsInput,
    handler: async (input, ctx) => {
      const limit = input.limit ?? 50;
      let query = ctx.trx
        .selectFrom("logs_groups as g")
        .select(["g.name", "g.created_at"])
        .select((eb) =>
          eb
            .selectFrom("logs_streams as s")
            .select((e) => e.fn.coalesce(e.fn.sum<number>("s.stored_bytes"), e.val(0)).as("bytes"))
            .whereRef("s.account_id", "=", "g.account_id")
            .whereRef("s.region", "=", "g.region")
            .whereRef("s.group_name", "=", "g.name")
            .as("stored_bytes"),
        )
        .where("g.account_id", "=", ctx.accountId)
        .where("g.region", "=", ctx.region);
      if (input.logGroupNamePrefix)
        query = query.where("g.name", "like", `${escapeLike(input.logGroupNamePrefix)}%`);
      if (input.logGroupNamePattern)
        query = query.where("g.name", "like", `%${escapeLike(input.logGroupNamePattern)}%`);
      const after = decodePageToken(input.nextToken, "DescribeLogGroups", isKey, () =>
        invalidToken(input.nextToken ?? ""),
      );
      if (after !== undefined) query = query.where("g.name", ">", after);
      const rows = await query
        .orderBy("g.name")
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const arn = (name: string) => groupArn(ctx.region, ctx.accountId, name);
      return {
        logGroups: page.map((r) => ({
          logGroupName: r.name,
          creationTime: r.created_at,
          metricFilterCount: 0,
          arn: `${arn(r.name)}:*`,
          logGroupArn: arn(r.name),
          storedBytes: Number(r.stored_bytes ?? 0),
          logGroupClass: "STANDARD",
        })),
        ...(rows.length > limit
          ? { nextToken: encodePageToken("DescribeLogGroups", page[page.length - 1]!.name) }
          : {}),
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

/** DescribeLogStreams: by name (default) or by last event time, with a name prefix. */
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
      const listing = `DescribeLogStreams/${group}`;
      const offset =
        decodePageToken(input.nextToken, listing, isOffset, () => invalidToken(input.nextToken ?? "")) ?? 0;
      const dir = input.descending ? "desc" : "asc";
      let query = ctx.trx
        .selectFrom("logs_streams")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("group_name", "=", group);
      if (input.logStreamNamePrefix)
        query = query.where("name", "like", `${escapeLike(input.logStreamNamePrefix)}%`);
      query = byTime ? query.orderBy("last_event_at", dir).orderBy("name", dir) : query.orderBy("name", dir);
      const rows = await query
        .limit(limit + 1)
        .offset(offset)
        .execute();
      const page = rows.slice(0, limit);
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
        ...(rows.length > limit ? { nextToken: encodePageToken(listing, offset + limit) } : {}),
      };
    },
  });
}

function escapeLike(text: string): string {
  // Kysely passes LIKE patterns as bound values; `%` and `_` in names are rare in log names and
  // matching them loosely only widens a listing, so they are left as they are.
  return text;
}
