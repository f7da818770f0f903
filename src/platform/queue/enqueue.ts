import { sql } from "kysely";
import type { Clock } from "../../core/index.js";
import type { DialectName } from "../store/index.js";
import type { CancelTarget, EnqueueInput, EnqueueResult, Executor } from "./types.js";

/** PostgreSQL channel on which enqueues are announced; delivered when the enqueuing transaction commits. */
export const JOBS_CHANNEL = "pipewright_jobs";

/** Inserts a job through `executor` (the caller's transaction or the store's db). */
export async function enqueueJob(
  executor: Executor,
  dialect: DialectName,
  clock: Clock,
  defaultMaxAttempts: number,
  input: EnqueueInput,
): Promise<EnqueueResult> {
  const now = clock.now();
  const maxAttempts = input.maxAttempts ?? defaultMaxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`enqueue ${input.kind}: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const row = {
    kind: input.kind,
    payload: JSON.stringify(input.payload ?? null),
    run_at: input.runAt ?? now,
    attempts: 0,
    max_attempts: maxAttempts,
    lease_owner: null,
    lease_expires_at: null,
    last_error: null,
    failed_at: null,
    key: input.key ?? null,
    created_at: now,
  };
  const inserted = await executor
    .insertInto("jobs")
    .values(row)
    // A live job keeps its key (the enqueue is a no-op); a dead one is replaced, otherwise a failed
    // timer or singleton job could never be scheduled again under its key.
    .onConflict((oc) =>
      oc
        .column("key")
        .doUpdateSet({
          kind: row.kind,
          payload: row.payload,
          run_at: row.run_at,
          attempts: 0,
          max_attempts: row.max_attempts,
          lease_owner: null,
          lease_expires_at: null,
          last_error: null,
          failed_at: null,
          created_at: now,
        })
        .where("jobs.failed_at", "is not", null),
    )
    .returning("id")
    .executeTakeFirst();
  if (dialect === "postgres") {
    // NOTIFY is transactional: listeners hear it only if and when the caller's transaction commits.
    await sql`select pg_notify(${JOBS_CHANNEL}, ${input.kind})`.execute(executor);
  }
  if (inserted) return { id: Number(inserted.id), created: true };
  const existing = await executor
    .selectFrom("jobs")
    .select("id")
    .where("key", "=", row.key)
    .executeTakeFirstOrThrow();
  return { id: Number(existing.id), created: false };
}

/**
 * Deletes a job whether it waits, runs or is dead. A running handler is not interrupted at once: its
 * next lease renewal fails, which aborts its signal, and its completion becomes a no-op.
 */
export async function cancelJob(executor: Executor, target: CancelTarget): Promise<boolean> {
  const query =
    "id" in target
      ? executor.deleteFrom("jobs").where("id", "=", target.id)
      : executor.deleteFrom("jobs").where("key", "=", target.key);
  const result = await query.executeTakeFirst();
  return result.numDeletedRows > 0n;
}
