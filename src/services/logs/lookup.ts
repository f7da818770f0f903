import { formatArn } from "../../core/index.js";
import type { OperationContext } from "../kit/index.js";
import { groupNotFound, logsError, streamNotFound } from "./errors.js";

/** The log group name from `logGroupName` or `logGroupIdentifier` (a name or an ARN). */
export function groupNameOf(input: {
  logGroupName?: string | undefined;
  logGroupIdentifier?: string | undefined;
}) {
  if (input.logGroupName !== undefined) return input.logGroupName;
  const id = input.logGroupIdentifier;
  if (id === undefined) {
    throw logsError("InvalidParameterException", "Either logGroupName or logGroupIdentifier must be given.");
  }
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(id);
  return m ? m[1]! : id;
}

/**
 * The group's longest chunk span, first line to last (see migration 0027): how far before a time
 * FilterLogEvents must start reading chunks. Throws ResourceNotFoundException unless the group exists.
 */
export async function requireGroup(ctx: OperationContext, group: string): Promise<{ maxChunkSpan: number }> {
  const row = await ctx.trx
    .selectFrom("logs_groups")
    .select("max_chunk_span")
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .where("name", "=", group)
    .executeTakeFirst();
  if (!row) throw groupNotFound();
  return { maxChunkSpan: Number(row.max_chunk_span) };
}

/** The stream's id; ResourceNotFoundException for a missing group or stream. */
export async function requireStream(ctx: OperationContext, group: string, stream: string): Promise<number> {
  await requireGroup(ctx, group);
  const row = await ctx.trx
    .selectFrom("logs_streams")
    .select("id")
    .where("account_id", "=", ctx.accountId)
    .where("region", "=", ctx.region)
    .where("group_name", "=", group)
    .where("name", "=", stream)
    .executeTakeFirst();
  if (!row) throw streamNotFound();
  return row.id;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>`. */
export function groupArn(region: string, accountId: string, group: string): string {
  return formatArn({ service: "logs", region, accountId, resource: `log-group:${group}` });
}

/** `arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:<stream>`. */
export function streamArn(region: string, accountId: string, group: string, stream: string): string {
  return `${groupArn(region, accountId, group)}:log-stream:${stream}`;
}
