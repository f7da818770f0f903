import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { openStore, type Store } from "../../src/platform/store/index.js";

/** The dialects a suite runs on: SQLite always, PostgreSQL when the run has a server. */
export function dialects(): Array<"sqlite" | "postgres"> {
  return inject("pgUrl") ? ["sqlite", "postgres"] : ["sqlite"];
}

let counter = 0;

/** A fresh, empty PostgreSQL database in the run's server; returns its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  const base = inject("pgUrl");
  if (!base) throw new Error("no PostgreSQL server in this run");
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return base.replace(/\/[^/]*$/, `/${name}`);
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix = "pipewright-test-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh store on `dialect`: a temporary SQLite file, or a new PostgreSQL database. */
export async function openTestStore(
  dialect: "sqlite" | "postgres",
): Promise<{ store: Store; databaseUrl?: string; sqlitePath?: string; cleanup: () => Promise<void> }> {
  if (dialect === "postgres") {
    const databaseUrl = await freshPostgresDatabase();
    const store = await openStore({ databaseUrl });
    return { store, databaseUrl, cleanup: () => store.close() };
  }
  const tmp = tempDir();
  const sqlitePath = path.join(tmp.dir, "test.db");
  const store = await openStore({ sqlitePath });
  return {
    store,
    sqlitePath,
    cleanup: async () => {
      await store.close();
      tmp.remove();
    },
  };
}
