import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import { createQueue, createWorker } from "./index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");

/** Starts the fixture in its own Node process and resolves with the first stdout line matching `until`. */
function spawnFixture(
  env: Record<string, string>,
  until: RegExp,
): { child: ChildProcess; line: Promise<string> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "fixtures/hang-worker.fixture.ts")],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const line = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const found = out.split("\n").find((l) => until.test(l));
      if (found) resolve(found);
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`fixture exited (${code ?? signal}) early:\n${err}`)),
    );
  });
  return { child, line };
}

describe.each(dialects())("a worker killed mid-job on %s", (dialect) => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  it("loses the job only until its lease expires; another worker then completes it", async () => {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const queue = createQueue({ store: t.store });
    const { id } = await queue.enqueue(t.store.db, { kind: "hang", payload: { deploy: "d-1" } });

    const env: Record<string, string> = t.databaseUrl
      ? { PIPEWRIGHT_DATABASE_URL: t.databaseUrl }
      : { PIPEWRIGHT_SQLITE_PATH: t.sqlitePath! };
    const { child, line } = spawnFixture({ ...env, LEASE_MS: "400" }, /"claimed"/);
    teardown.push(async () => void child.kill("SIGKILL"));
    expect(JSON.parse(await line)).toEqual({ claimed: id, attempts: 1 });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;

    const held = await queue.get(id);
    expect(held?.leaseOwner).toBe(`fixture-${child.pid}`);

    const runs: Array<{ attempts: number; payload: unknown }> = [];
    const worker = createWorker({
      queue,
      pollMs: 50,
      leaseMs: 400,
      handlers: { hang: async (job) => void runs.push({ attempts: job.attempts, payload: job.payload }) },
    });
    worker.start();
    teardown.push(() => worker.stop());
    const deadline = Date.now() + 10_000;
    while ((await queue.get(id)) !== undefined && Date.now() < deadline) await sleep(25);
    expect(await queue.get(id)).toBeUndefined();
    expect(runs).toEqual([{ attempts: 2, payload: { deploy: "d-1" } }]);
  });
});
