import { sql } from "kysely";
import { newUuid, type Clock } from "../../core/index.js";
import type { DialectName } from "../store/index.js";
import type { Executor } from "../queue/index.js";
import { awsTime } from "./event.js";
import type { BusEvent, EmitInput } from "./types.js";

/** PostgreSQL channel on which emits are announced; delivered when the emitting transaction commits. */
export const EVENTS_CHANNEL = "pipewright_events";

/**
 * Records an event through `executor` (the caller's transaction, so it commits with the state change).
 * Its delivery position (`seq`) is given at commit; see migrations/0003-bus.ts for why.
 */
export async function emitEvent(
  executor: Executor,
  dialect: DialectName,
  clock: Clock,
  input: EmitInput,
): Promise<BusEvent> {
  if (!input.source || !input.detailType) {
    throw new TypeError(
      `bus.emit: source and detailType must be non-empty, got ${JSON.stringify([input.source, input.detailType])}`,
    );
  }
  const id = newUuid();
  const time = clock.now();
  const resources = input.resources ?? [];
  await executor
    .insertInto("events")
    .values({
      id,
      source: input.source,
      detail_type: input.detailType,
      account: input.account,
      region: input.region,
      resources: JSON.stringify(resources),
      detail: JSON.stringify(input.detail),
      time,
    })
    .execute();
  if (dialect === "postgres") {
    await sql`select pg_notify(${EVENTS_CHANNEL}, ${input.source})`.execute(executor);
  }
  return {
    version: "0",
    id,
    "detail-type": input.detailType,
    source: input.source,
    account: input.account,
    time: awsTime(time),
    region: input.region,
    resources,
    detail: input.detail,
  };
}
