import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { dialects, openTestStore, tempDir } from "../../../test/support/stores.js";
import { createQueue } from "../queue/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const JOBS = 60;

interface Delivery {
  id: string;
  source: string;
  i: number;
}

function startProducer(env: Record<string, string>): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "fixtures/producer.fixture.ts")],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? (err ? err : "exited"))),
  );
  return { child, exited };
}

function deliveries(file: string): Delivery[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Delivery);
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe.each(dialects())("a producer process killed with SIGKILL on %s", (dialect) => {
  const teardown: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const fn of teardown.reverse()) await fn();
    teardown.length = 0;
  });

  it("loses no job and delivers every event at least once, in order per source, after a restart", async () => {
    const t = await openTestStore(dialect);
    teardown.push(t.cleanup);
    const tmp = tempDir();
    teardown.push(tmp.remove);
    const log = path.join(tmp.dir, "deliveries.jsonl");
    const queue = createQueue({ store: t.store });
    for (let i = 0; i < JOBS; i++) await queue.enqueue(t.store.db, { kind: "produce", payload: { i } });
    const remainingJobs = async () =>
      Number(
        (
          await t.store.db
            .selectFrom("jobs")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const env: Record<string, string> = {
      ...(t.databaseUrl
        ? { PIPEWRIGHT_DATABASE_URL: t.databaseUrl }
        : { PIPEWRIGHT_SQLITE_PATH: t.sqlitePath! }),
      DELIVERY_LOG: log,
      LEASE_MS: "400",
    };

    const first = startProducer(env);
    teardown.push(() => void first.child.kill("SIGKILL"));
    await waitFor("the first deliveries", () => deliveries(log).length >= 10);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    // The kill must land mid-stream, or this test proves nothing.
    expect(await remainingJobs()).toBeGreaterThan(0);

    const second = startProducer(env);
    teardown.push(() => void second.child.kill("SIGKILL"));
    const events = async () =>
      await t.store.db
        .selectFrom("events")
        .select(["id", "source", "seq", "detail"])
        .orderBy("seq")
        .execute();
    await waitFor("every job to run", async () => (await remainingJobs()) === 0);
    await waitFor("every event to be delivered", async () => {
      const delivered = new Set(deliveries(log).map((d) => d.id));
      return (await events()).every((e) => delivered.has(e.id));
    });
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    // No job lost, and none ran twice: each emitted its event and completed in one transaction.
    const stored = await events();
    const produced = stored.map((e) => (JSON.parse(e.detail) as { i: number }).i).sort((a, b) => a - b);
    expect(produced).toEqual([...Array(JOBS).keys()]);
    expect(await remainingJobs()).toBe(0);

    // Every event delivered; per source, first deliveries follow the events' order.
    const log2 = deliveries(log);
    for (const source of new Set(stored.map((e) => e.source))) {
      const expected = stored.filter((e) => e.source === source).map((e) => e.id);
      const firstSeen = [...new Set(log2.filter((d) => d.source === source).map((d) => d.id))];
      expect(firstSeen).toEqual(expected);
    }
    const dead = await t.store.db.selectFrom("event_dead_letters").selectAll().execute();
    expect(dead).toEqual([]);
  });
});
