import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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
  const shapes = checkResponseShapes();
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
    shapes?.finish();
  };
}

/**
 * Every server the tests start checks its responses against botocore's models (see
 * src/http/response-shapes.ts): the newest botocore on the machine, else the one Debian's AWS CLI
 * carries. At the end of a whole run, every operation a server served must have had a response
 * checked.
 */
function checkResponseShapes(): { finish(): void } | undefined {
  const candidates = [botocoreData(), "/usr/lib/python3/dist-packages/awscli/botocore/data"];
  const dataDir = candidates.find((dir) => dir !== undefined && existsSync(path.join(dir, "codebuild")));
  if (!dataDir) {
    console.warn(
      "No botocore models on this machine: responses are not checked against AWS's output shapes.",
    );
    return undefined;
  }
  const log = path.join(mkdtempSync(path.join(tmpdir(), "pw-shapes-")), "checked.log");
  writeFileSync(log, "");
  process.env.PIPEWRIGHT_RESPONSE_SHAPES = dataDir;
  process.env.PIPEWRIGHT_RESPONSE_SHAPES_LOG = log;
  return {
    finish() {
      const lines = readFileSync(log, "utf8").split("\n").filter(Boolean);
      const checked = new Set(lines.filter((l) => !l.startsWith("served ")));
      const served = new Set(
        lines.filter((l) => l.startsWith("served ")).map((l) => l.slice("served ".length)),
      );
      const missing = [...served].filter((op) => !checked.has(op)).sort();
      rmSync(path.dirname(log), { recursive: true, force: true });
      // Only a whole run can say an operation was never answered (the test command asks for it).
      if (process.env.PIPEWRIGHT_TEST_SHAPES_COVERAGE === "required" && missing.length > 0) {
        // An error thrown here is printed but does not fail the run: set the exit code too.
        process.exitCode = 1;
        throw new Error(
          `${missing.length} operations were never answered in a test, so their responses were never ` +
            `checked against AWS's output shapes: ${missing.join(", ")}`,
        );
      }
    },
  };
}

function botocoreData(): string | undefined {
  try {
    return execFileSync(
      "python3",
      ["-c", "import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data'))"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
  } catch {
    return undefined;
  }
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
