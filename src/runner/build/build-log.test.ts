import { describe, expect, it } from "vitest";
import type { BuildJob, LogLine, RunnerApi } from "../api.js";
import { BuildLog } from "./build-log.js";
import { SecretMasker } from "./masking.js";

/** A RunnerApi whose appendLogs takes `delayMs` and records each call's lines. */
function slowApi(delayMs: number, failAt?: number): { api: RunnerApi; calls: LogLine[][] } {
  const calls: LogLine[][] = [];
  const api = {
    async appendLogs(_job: BuildJob, lines: LogLine[]) {
      calls.push(lines);
      await new Promise((r) => setTimeout(r, delayMs));
      if (failAt !== undefined && calls.length === failAt) throw new Error("store is down");
    },
  } as unknown as RunnerApi;
  return { api, calls };
}

const job = {} as BuildJob;

describe("BuildLog", () => {
  it("sends lines printed while a batch is being stored together, in order, and flush waits for all", async () => {
    const { api, calls } = slowApi(20);
    const log = new BuildLog(job, api, new SecretMasker(), { maxBatch: 10, flushMs: 1000 });
    for (let i = 0; i < 10; i++) log.line(`a${i}`);
    // The first batch is on its way; these 5,000 wait for it and then go as one.
    for (let i = 0; i < 5000; i++) log.line(`b${i}`);
    await log.flush();
    expect(calls.map((c) => c.length)).toEqual([10, 5000]);
    expect(calls.flat().map((l) => l.message)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `a${i}`),
      ...Array.from({ length: 5000 }, (_, i) => `b${i}`),
    ]);
  });

  it("reports a failed append at flush and sends nothing after it", async () => {
    const { api, calls } = slowApi(1, 1);
    const log = new BuildLog(job, api, new SecretMasker(), { maxBatch: 2 });
    log.line("x");
    log.line("y");
    log.line("z");
    await expect(log.flush()).rejects.toThrow(/appendLogs/);
    expect(calls).toHaveLength(1);
  });
});
