import type { Selectable } from "kysely";
import type { Database } from "../store/index.js";
import type { BusEvent, StoredEvent } from "./types.js";

/** An `events` row as read from the store. */
export type EventRow = Selectable<Database["events"]>;

/** Epoch ms as AWS writes an event's `time`: ISO 8601, whole seconds, `Z`. */
export function awsTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Turns an outbox row into the event and its place in delivery order. */
export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    seq: Number(row.seq),
    event: {
      version: "0",
      id: row.id,
      "detail-type": row.detail_type,
      source: row.source,
      account: row.account,
      time: awsTime(Number(row.time)),
      region: row.region,
      resources: JSON.parse(row.resources) as string[],
      detail: JSON.parse(row.detail) as BusEvent["detail"],
    },
  };
}
