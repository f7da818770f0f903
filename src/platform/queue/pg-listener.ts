import type pg from "pg";
import { errorMessage, type Logger } from "../../core/index.js";

/** Options for {@link listenPostgres}. */
export interface PostgresListenerOptions {
  /** `postgres://…` of the store's database. */
  databaseUrl: string;
  /** Channel to LISTEN on. */
  channel: string;
  /** Called on every notification, and after each (re)connection since notifications may have been missed. */
  onNotify: () => void;
  logger: Logger;
  /** Wait before reconnecting after the connection drops; default 1000 ms. */
  reconnectMs?: number;
}

/** A LISTEN connection; `close` ends it and stops reconnecting. */
export interface PostgresListener {
  close(): Promise<void>;
}

/**
 * Holds one dedicated connection (outside the store's pool, since a pooled connection cannot keep a
 * LISTEN) that wakes this process when another process commits work. Polling stays the fallback, so
 * a dropped connection only costs latency; it reconnects until closed.
 */
export function listenPostgres(options: PostgresListenerOptions): PostgresListener {
  const reconnectMs = options.reconnectMs ?? 1000;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const scheduleReconnect = (failed: pg.Client) => {
    if (closed || client !== failed) return;
    client = undefined;
    failed.removeAllListeners("end");
    failed.end().catch(() => undefined);
    retry = setTimeout(() => void connect(), reconnectMs);
  };

  const connect = async () => {
    if (closed) return;
    // Loaded on first use: SQLite servers never pay for the PostgreSQL driver at start-up.
    const { default: driver } = await import("pg");
    if (closed) return;
    const c = new driver.Client({ connectionString: options.databaseUrl });
    client = c;
    c.on("notification", () => options.onNotify());
    c.on("error", (err) => {
      options.logger.warn({ err: errorMessage(err), channel: options.channel }, "LISTEN connection failed");
      scheduleReconnect(c);
    });
    c.on("end", () => scheduleReconnect(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${c.escapeIdentifier(options.channel)}`);
      options.onNotify();
    } catch (err) {
      options.logger.warn({ err: errorMessage(err), channel: options.channel }, "LISTEN connection failed");
      scheduleReconnect(c);
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
