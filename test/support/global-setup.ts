import type { TestProject } from "vitest/node";
import { findPostgresBin, startTestPostgres, type TestPostgres } from "./postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the throwaway PostgreSQL server, or "" when none runs (the PostgreSQL suites skip). */
    pgUrl: string;
  }
}

let pg: TestPostgres | undefined;

/**
 * Starts one PostgreSQL server for the whole run; each test file makes its own database in it.
 * `PIPEWRIGHT_TEST_POSTGRES=required` (set by the test command) makes a missing PostgreSQL an error.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const required = process.env.PIPEWRIGHT_TEST_POSTGRES === "required";
  if (findPostgresBin() || required) {
    pg = await startTestPostgres();
    project.provide("pgUrl", pg.url);
  } else {
    console.warn("PostgreSQL is not installed: the PostgreSQL variants of the store suites are skipped.");
    project.provide("pgUrl", "");
  }
  return async () => {
    await pg?.stop();
  };
}
