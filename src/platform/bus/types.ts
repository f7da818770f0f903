/**
 * An event as AWS EventBridge delivers it, so that rules written for AWS match here unchanged.
 * `time` is ISO 8601 to the second, as AWS writes it (`2024-05-01T12:00:00Z`).
 */
export interface BusEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** What a service emits. */
export interface EmitInput {
  /** e.g. `aws.codebuild`. */
  source: string;
  /** e.g. `CodeBuild Build State Change`. */
  detailType: string;
  /** Any JSON object. */
  detail: Record<string, unknown>;
  /** ARNs the event is about; default none. */
  resources?: string[];
  account: string;
  region: string;
}

/** An event read back from the outbox, with its place in delivery (commit) order. */
export interface StoredEvent {
  seq: number;
  event: BusEvent;
}

/** What a handler learns about one delivery besides the event. */
export interface DeliveryContext {
  /** 1 on the first delivery of this event to this subscriber, counting failed ones before it. */
  attempt: number;
  /** Aborts when the delivery times out, the dispatcher loses the subscriber, or it stops past its timeout. */
  signal: AbortSignal;
}

/**
 * Handles one event. It may run more than once for the same event (after a crash, a timeout or a
 * lost lease): make it idempotent, e.g. keyed by `event.id`.
 */
export type EventHandler = (event: BusEvent, context: DeliveryContext) => Promise<void>;

/** Options of one subscriber. */
export interface SubscribeOptions {
  /** Events for which it returns false are skipped (they count as handled); default every event. */
  filter?: (event: BusEvent) => boolean;
  /**
   * Where a subscriber seen for the first time starts: `oldest` delivers every event still in the
   * outbox, `latest` only events emitted from now on. Default `oldest`. Ignored once the subscriber
   * has progress stored.
   */
  startAt?: "oldest" | "latest";
  /** Failed deliveries of one event before it is dead-lettered; default the bus's `maxAttempts` (8). */
  maxAttempts?: number;
}

/** An event that a subscriber failed to handle `attempts` times; delivery went on past it. */
export interface DeadLetter {
  id: number;
  subscriber: string;
  event: BusEvent;
  attempts: number;
  /** Message of the last failure. */
  error: string;
  /** Epoch ms. */
  failedAt: number;
}
