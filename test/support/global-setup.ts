import type { TestProject } from "vitest/node";
import { detectSandbox } from "../../src/platform/sandbox/index.js";
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
  await requireSandbox();
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

/**
 * `PIPEWRIGHT_TEST_SANDBOX=required` (set by the test command): bubblewrap, and on a root machine
 * mapped users and pasta's isolated networks, must work here, or the run fails at once, saying why,
 * rather than letting the sandbox suites skip themselves.
 */
async function requireSandbox(): Promise<void> {
  if (process.env.PIPEWRIGHT_TEST_SANDBOX !== "required") return;
  const detected = await detectSandbox({ network: { forwardPorts: [] } });
  try {
    const problems = [
      ...(detected.fallbackReason ? [detected.fallbackReason] : []),
      ...(process.getuid?.() === 0 ? detected.limitations : []),
    ];
    if (problems.length > 0) {
      throw new Error(
        `the build sandbox cannot run here, and the test command requires it: ${problems.join("; ")}`,
      );
    }
  } finally {
    await detected.sandbox.close();
  }
}
