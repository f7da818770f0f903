import type { Generated } from "kysely";

/** The event outbox, subscriber progress and dead letters (`platform/bus`). */
export interface BusTables {
  events: {
    /**
     * Delivery order, which is commit order: SQLite assigns it on insert (its writers are serial);
     * PostgreSQL assigns it at commit, in a deferred trigger (see migrations/0003-bus.ts). Never read
     * it inside the emitting transaction: on PostgreSQL it is still null there.
     */
    seq: Generated<number>;
    /** Stable UUID, the EventBridge `id`. */
    id: string;
    source: string;
    detail_type: string;
    account: string;
    region: string;
    /** JSON array of ARNs. */
    resources: string;
    /** JSON object. */
    detail: string;
    /** Epoch ms. */
    time: number;
  };
  event_subscriptions: {
    /** Subscriber name, as given to `bus.subscribe`. */
    name: string;
    /** `seq` of the last event handled (delivered, filtered out or dead-lettered); 0 before any. */
    cursor: number;
    /** Failed deliveries of the event after the cursor. */
    attempts: number;
    last_error: string | null;
    /** Dispatcher that currently delivers to this subscriber. */
    lease_owner: string | null;
    lease_expires_at: number | null;
    updated_at: number;
  };
  event_dead_letters: {
    id: Generated<number>;
    subscriber: string;
    event_id: string;
    event_seq: number;
    /** The event as delivered (EventBridge JSON), kept here so pruning the outbox does not lose it. */
    event: string;
    attempts: number;
    error: string;
    failed_at: number;
  };
}
