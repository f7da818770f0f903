import type { Selectable } from "kysely";
import type { Database } from "../store/index.js";
import type { Job } from "./types.js";

/** A `jobs` row as read from the store. */
export type JobRow = Selectable<Database["jobs"]>;

/** Turns a row into a {@link Job}. PostgreSQL returns bigint as number already (see store.ts). */
export function toJob(row: JobRow): Job {
  return {
    id: Number(row.id),
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    runAt: Number(row.run_at),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    key: row.key,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    lastError: row.last_error,
    failedAt: row.failed_at === null ? null : Number(row.failed_at),
    createdAt: Number(row.created_at),
  };
}
