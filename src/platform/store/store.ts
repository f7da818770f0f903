import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import {
  Kysely,
  Migrator,
  type KyselyConfig,
  PostgresDialect,
  SqliteDialect,
  type MigrationProvider,
  type Transaction,
} from "kysely";
import { runCommitHooks, trackCommit } from "./after-commit.js";
import type { DialectName } from "./dialect.js";
import { migrations } from "./migrations/index.js";
import { currentQueryLabel, enableQueryLabels } from "./query-scope.js";
import type { Database } from "./schema.js";

/** The database: SQLite embedded by default, PostgreSQL when a URL is given. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /**
   * Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws.
   * After the commit it runs what was registered with `afterCommit` in it (wake-ups).
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Where a store lives. */
export interface StoreOptions {
  /** `postgres://…`; when unset, SQLite at {@link sqlitePath}. */
  databaseUrl?: string | undefined;
  /** SQLite file; required when {@link databaseUrl} is unset. `:memory:` works for throwaway stores. */
  sqlitePath?: string;
  /** PostgreSQL pool size; default 10. */
  poolSize?: number;
  /**
   * Called after every statement with its SQL, parameters and the label of the operation it ran
   * for (`labelQueries`); tests use it to check query plans. Unset in production.
   */
  onQuery?: (query: ObservedQuery) => void;
}

/** A statement the store ran, as `onQuery` sees it. */
export interface ObservedQuery {
  sql: string;
  parameters: readonly unknown[];
  /** The operation that ran it (`ListBranches`…), when it ran inside `labelQueries`. */
  label: string | undefined;
}

/** Opens the database and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const onQuery = options.onQuery;
  if (onQuery) enableQueryLabels();
  const log: KyselyConfig["log"] = onQuery
    ? (event) => {
        if (event.level === "query") {
          const { sql, parameters } = event.query;
          onQuery({ sql, parameters, label: currentQueryLabel() });
        }
      }
    : undefined;
  const { db, dialect } = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10, log)
    : openSqlite(options.sqlitePath, log);
  try {
    await migrate(db as Kysely<unknown>, dialect);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    db,
    dialect,
    async transaction(fn) {
      let hooks: Set<() => void> | undefined;
      const result = await db.transaction().execute((trx) => {
        hooks = trackCommit(trx);
        return fn(trx);
      });
      if (hooks) runCommitHooks(hooks);
      return result;
    },
    close: () => db.destroy(),
  };
}

function openSqlite(
  file: string | undefined,
  log: KyselyConfig["log"],
): { db: Kysely<Database>; dialect: DialectName } {
  if (!file) throw new Error("openStore: sqlitePath is required when databaseUrl is unset");
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const database = new SQLite(file);
  // WAL lets readers run beside the one writer; NORMAL sync is durable across process crashes
  // (the kill -9 case) and only loses the last commits on power loss.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database }), ...(log ? { log } : {}) }),
    dialect: "sqlite",
  };
}

async function openPostgres(
  url: string,
  max: number,
  log: KyselyConfig["log"],
): Promise<{ db: Kysely<Database>; dialect: DialectName }> {
  // Loaded only when used: the embedded default should not pay for the PostgreSQL driver at start-up.
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // bigint columns hold epoch milliseconds and counters, all well inside 2^53.
    types: {
      getTypeParser: (oid: number, format?: "text" | "binary") =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
    },
  });
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) }),
    dialect: "postgres",
  };
}

async function migrate(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () =>
      Object.fromEntries(
        migrations.map((m) => [m.name, { up: (trx: Kysely<unknown>) => m.up(trx, dialect) }]),
      ),
  };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: "schema_migrations",
    migrationLockTableName: "schema_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`database migration ${failed?.migrationName ?? "(unknown)"} failed`, { cause: error });
  }
}
