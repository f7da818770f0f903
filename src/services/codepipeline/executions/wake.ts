import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { ADVANCE_JOB, type ExecutionRuntime } from "./runtime.js";

/** Wakes an execution's engine once `trx` commits. */
export async function enqueueAdvance(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  executionId: string,
): Promise<void> {
  await rt.queue.enqueue(trx, { kind: ADVANCE_JOB, payload: { executionId } });
}
