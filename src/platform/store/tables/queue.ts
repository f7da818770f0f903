import type { Generated } from "kysely";

/** The durable job queue (`platform/queue`). */
export interface QueueTables {
  jobs: {
    id: Generated<number>;
    /** Which handler runs the job, e.g. `pipeline.advance`. */
    kind: string;
    /** JSON text. */
    payload: string;
    /** Epoch ms before which the job is not claimed; timers are jobs with a future run_at. */
    run_at: number;
    /** Claims so far, counted when a worker claims the job (so a job that kills its worker still ages). */
    attempts: number;
    max_attempts: number;
    /** Worker that holds the lease, or null when nobody does. */
    lease_owner: string | null;
    lease_expires_at: number | null;
    last_error: string | null;
    /** Set when the job ran out of attempts: the row stays as a visible dead job. */
    failed_at: number | null;
    /** Optional de-duplication key, unique across all kinds. */
    key: string | null;
    created_at: number;
  };
}
