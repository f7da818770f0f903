import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";
import { packChunks } from "./chunks.js";
import { notifyLogAppended } from "./notifier.js";

/** Where to append and what. */
export interface AppendLogEventsInput {
  accountId: string;
  region: string;
  group: string;
  stream: string;
  lines: ReadonlyArray<{ timestamp: number; message: string }>;
  /** Ingestion time, epoch ms; default now. */
  now?: number;
}

/** Chunk rows per INSERT: well under SQLite's bound-variable limit. */
const BATCH = 100;

/**
 * Appends lines to a stream, creating its group and stream on first use (as the CodeBuild agent's
 * log driver does on AWS). Runs on `executor`: pass a transaction to append atomically with a state
 * change. Lines keep their order: each gets the stream's next sequence number. They are stored in
 * chunks of consecutive lines (see migration 0013), each line with its own timestamp. Live readers of
 * the stream in this process are woken (inside a transaction that is before the commit: they read
 * nothing new and catch up at their next wake or poll).
 */
export async function appendLogEvents(
  executor: Kysely<Database>,
  input: AppendLogEventsInput,
): Promise<void> {
  const now = input.now ?? Date.now();
  await ensureGroup(executor, input.accountId, input.region, input.group, now);
  const stream = await ensureStream(executor, input, now);
  if (input.lines.length === 0) return;
  let bytes = 0;
  let first: number | undefined;
  let last: number | undefined;
  for (const line of input.lines) {
    bytes += Buffer.byteLength(line.message);
    first = first === undefined ? line.timestamp : Math.min(first, line.timestamp);
    last = last === undefined ? line.timestamp : Math.max(last, line.timestamp);
  }
  const chunks = packChunks(stream.id, stream.next_seq, now, input.lines);
  const group = { account_id: input.accountId, region: input.region, group_name: input.group };
  for (let i = 0; i < chunks.length; i += BATCH) {
    await executor
      .insertInto("logs_chunks")
      .values(chunks.slice(i, i + BATCH).map((chunk) => ({ ...chunk, ...group })))
      .execute();
  }
  const span = Math.max(...chunks.map((c) => c.last_timestamp - c.first_timestamp));
  await addToGroup(executor, input, bytes, span);
  const seq = stream.next_seq + input.lines.length;
  await executor
    .updateTable("logs_streams")
    .set((eb) => ({
      next_seq: seq,
      stored_bytes: eb("stored_bytes", "+", bytes),
      first_event_at: eb.fn.coalesce("first_event_at", eb.val(first ?? now)),
      last_event_at: last ?? now,
      last_ingestion_at: now,
    }))
    .where("id", "=", stream.id)
    .execute();
  notifyLogAppended(input);
}

/** Adds appended bytes to the group's total and widens its longest chunk span (see migration 0027). */
async function addToGroup(
  executor: Kysely<Database>,
  input: AppendLogEventsInput,
  bytes: number,
  span: number,
): Promise<void> {
  await executor
    .updateTable("logs_groups")
    .set((eb) => ({
      stored_bytes: eb("stored_bytes", "+", bytes),
      max_chunk_span: eb
        .case()
        .when("max_chunk_span", "<", span)
        .then(span)
        .else(eb.ref("max_chunk_span"))
        .end(),
    }))
    .where("account_id", "=", input.accountId)
    .where("region", "=", input.region)
    .where("name", "=", input.group)
    .execute();
}

async function ensureGroup(
  executor: Kysely<Database>,
  accountId: string,
  region: string,
  name: string,
  now: number,
): Promise<void> {
  await executor
    .insertInto("logs_groups")
    .values({ account_id: accountId, region, name, created_at: now, stored_bytes: 0, max_chunk_span: 0 })
    .onConflict((oc) => oc.columns(["account_id", "region", "name"]).doNothing())
    .execute();
}

async function ensureStream(
  executor: Kysely<Database>,
  input: AppendLogEventsInput,
  now: number,
): Promise<{ id: number; next_seq: number }> {
  await executor
    .insertInto("logs_streams")
    .values({
      account_id: input.accountId,
      region: input.region,
      group_name: input.group,
      name: input.stream,
      created_at: now,
      first_event_at: null,
      last_event_at: null,
      last_ingestion_at: null,
      stored_bytes: 0,
      next_seq: 0,
    })
    .onConflict((oc) => oc.columns(["account_id", "region", "group_name", "name"]).doNothing())
    .execute();
  return executor
    .selectFrom("logs_streams")
    .select(["id", "next_seq"])
    .where("account_id", "=", input.accountId)
    .where("region", "=", input.region)
    .where("group_name", "=", input.group)
    .where("name", "=", input.stream)
    .executeTakeFirstOrThrow();
}
