/**
 * Proof that a page costs what it returns: the statements an operation ran, captured through the
 * store's `onQuery`, explained on the database that ran them. A listing must find its rows through
 * an index, in the order of an index, and stop at its page:
 *
 * - SQLite (`EXPLAIN QUERY PLAN`): no `SCAN t` of a table, no `SCAN t USING INDEX …` without a
 *   LIMIT (a whole index, read to the end), no `USE TEMP B-TREE FOR ORDER BY` (every match sorted),
 *   and no `SEARCH` without a LIMIT unless it looks rows up by a whole unique key (a statement
 *   that reads every row of an account, a repository or a project is as costly as a scan).
 * - PostgreSQL (`EXPLAIN (FORMAT JSON)` with `enable_seqscan = off`, so that a small test table is
 *   not read sequentially merely because it is small): no `Seq Scan` — with sequential scans
 *   disabled the planner still picks one only when no index can answer.
 */
import { CompiledQuery } from "kysely";
import type { ObservedQuery, Store } from "../../src/platform/store/index.js";

/** Records the statements a server runs; pass `onQuery` to `startTestServer({ server: { onQuery } })`. */
export interface QueryRecorder {
  onQuery: (query: ObservedQuery) => void;
  /** The statements `operation` ran while `fn` ran. */
  during(operation: string, fn: () => Promise<unknown>): Promise<ObservedQuery[]>;
}

export function recordQueries(): QueryRecorder {
  let seen: ObservedQuery[] | undefined;
  return {
    onQuery(query) {
      seen?.push(query);
    },
    async during(operation, fn) {
      seen = [];
      try {
        await fn();
        return seen.filter((q) => q.label === operation);
      } finally {
        seen = undefined;
      }
    },
  };
}

/** What statements a plan check looks at: reads and writes that find rows, not transaction control. */
function planned(sql: string): boolean {
  return /^\s*(select|with|update|delete)\b/i.test(sql);
}

/** Every full scan or full sort in the plans of `queries`, as `table: plan line — SQL`. */
export async function fullScans(store: Store, queries: readonly ObservedQuery[]): Promise<string[]> {
  const problems: string[] = [];
  for (const query of queries.filter((q) => planned(q.sql))) {
    const found =
      store.dialect === "sqlite" ? await sqliteScans(store, query) : await postgresScans(store, query);
    for (const line of found) problems.push(`${line} — ${query.sql}`);
  }
  return problems;
}

async function sqliteScans(store: Store, query: ObservedQuery): Promise<string[]> {
  const plan = await store.db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]),
  );
  const limited = /\blimit\b/i.test(query.sql);
  const problems: string[] = [];
  for (const { detail } of plan.rows) {
    if (/^SEARCH /.test(detail)) {
      if (!limited && !(await sqlitePointLookup(store, detail))) problems.push(`unbounded ${detail}`);
    } else if (/^SCAN /.test(detail)) {
      if (/VIRTUAL TABLE|CONSTANT ROW|^SCAN \(subquery|^SCAN [a-z_]*_cte\b/i.test(detail)) continue;
      if (/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(detail) && limited) continue;
      problems.push(detail);
    } else if (/USE TEMP B-TREE FOR ORDER BY/.test(detail)) {
      problems.push(detail);
    }
  }
  return problems;
}

/** Whether a SEARCH finds rows by equality on every column of a unique index (at most one row per key). */
async function sqlitePointLookup(store: Store, detail: string): Promise<boolean> {
  const match =
    /^SEARCH (\S+)(?: AS \S+)? USING (?:(?:COVERING )?INDEX (\S+)|(INTEGER )?PRIMARY KEY) \((.*)\)$/.exec(
      detail,
    );
  if (!match) return false;
  const [, table, index, , constraints] = match;
  const terms = constraints!.split(" AND ");
  if (!terms.every((term) => /^[\w"]+=\?$/.test(term))) return false;
  if (index === undefined) return terms.length === 1 && /^rowid=\?$/.test(terms[0]!);
  const list = await store.db.executeQuery<{ name: string; unique: number }>(
    CompiledQuery.raw(`PRAGMA index_list("${table!}")`),
  );
  if (!list.rows.some((row) => row.name === index && row.unique === 1)) return false;
  const columns = await store.db.executeQuery(CompiledQuery.raw(`PRAGMA index_info("${index}")`));
  return columns.rows.length === terms.length;
}

interface PgPlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PgPlanNode[];
}

async function postgresScans(store: Store, query: ObservedQuery): Promise<string[]> {
  return await store.db.connection().execute(async (conn) => {
    await conn.executeQuery(CompiledQuery.raw("SET enable_seqscan = off"));
    try {
      const explained = await conn.executeQuery<{ "QUERY PLAN": Array<{ Plan: PgPlanNode }> }>(
        CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]),
      );
      const problems: string[] = [];
      const walk = (node: PgPlanNode) => {
        if (node["Node Type"] === "Seq Scan") problems.push(`Seq Scan on ${node["Relation Name"] ?? "?"}`);
        node.Plans?.forEach(walk);
      };
      for (const row of explained.rows) for (const entry of row["QUERY PLAN"]) walk(entry.Plan);
      return problems;
    } finally {
      await conn.executeQuery(CompiledQuery.raw("RESET enable_seqscan"));
    }
  });
}
