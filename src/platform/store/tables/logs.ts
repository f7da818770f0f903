import type { Generated } from "kysely";

/** CloudWatch Logs (`services/logs`): log groups, streams and their events. */
export interface LogsTables {
  logs_groups: {
    account_id: string;
    region: string;
    name: string;
    created_at: number;
    /** The sum of its streams' `stored_bytes`. */
    stored_bytes: number;
    /** The longest `last_timestamp − first_timestamp` of any chunk of its streams. */
    max_chunk_span: number;
  };
  logs_streams: {
    id: Generated<number>;
    account_id: string;
    region: string;
    group_name: string;
    name: string;
    created_at: number;
    first_event_at: number | null;
    last_event_at: number | null;
    last_ingestion_at: number | null;
    stored_bytes: number;
    /** Sequence number the next event gets. */
    next_seq: number;
  };
  /**
   * A stream's events in chunks of consecutive lines: lines `first_seq`…`last_seq` (the stream's
   * sequence numbers, in append order), their timestamps spanning `first_timestamp`…`last_timestamp`.
   */
  logs_chunks: {
    stream_id: number;
    /** The stream's account, region and group (FilterLogEvents reads a group's chunks by time). */
    account_id: string;
    region: string;
    group_name: string;
    first_seq: number;
    last_seq: number;
    first_timestamp: number;
    last_timestamp: number;
    ingestion_time: number;
    /** JSON `{"d": [timestamp − first_timestamp…], "m": [message…]}`, one entry per line in order. */
    events: string;
  };
}
