import type { Generated } from "kysely";

/** CloudWatch Logs (`services/logs`): log groups, streams and their events. */
export interface LogsTables {
  logs_groups: {
    account_id: string;
    region: string;
    name: string;
    created_at: number;
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
  logs_events: {
    stream_id: number;
    seq: number;
    /** Epoch ms the line was produced. */
    timestamp: number;
    ingestion_time: number;
    message: string;
  };
}
