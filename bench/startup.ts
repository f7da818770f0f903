import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Spawns a process and measures the time until `GET <url>/_/health` (or `/`) answers 200. */
async function timeToHealthy(args: string[], pathName: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  try {
    for (;;) {
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) {
        const ok = await fetch(url + pathName).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return performance.now() - started;
      }
      if (child.exitCode !== null) throw new Error(`process exited early:\n${out}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill("SIGKILL");
  }
}

const BARE_SERVER = `
const s = require("node:http").createServer((q, r) => r.end("ok"));
s.listen(0, "127.0.0.1", () => console.log("http://127.0.0.1:" + s.address().port));
`;

/** Server start to healthy, fresh data directory and restart, against a bare node HTTP server. */
export async function benchStartup(runs = 10): Promise<BenchRow[]> {
  const fresh: number[] = [];
  const restart: number[] = [];
  const bare: number[] = [];
  const bin = path.join(ROOT, "dist/cli/main.js");
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-start-"));
    const args = [bin, "server", "--port", "0", "--ssh-port", "0", "--data-dir", dir];
    fresh.push(await timeToHealthy(args, "/_/health"));
    restart.push(await timeToHealthy(args, "/_/health"));
    bare.push(await timeToHealthy(["-e", BARE_SERVER], "/"));
    rmSync(dir, { recursive: true, force: true });
  }
  const b = percentile(bare, 50);
  return [
    {
      name: "server start → healthy, first start (p50)",
      value: fmtMs(percentile(fresh, 50)),
      baseline: `${fmtMs(b)} bare node http server`,
      ratio: fmtRatio(percentile(fresh, 50), b),
      target: "< 1 s",
    },
    {
      name: "server start → healthy, restart (p50)",
      value: fmtMs(percentile(restart, 50)),
      baseline: `${fmtMs(b)} bare node http server`,
      ratio: fmtRatio(percentile(restart, 50), b),
      target: "< 1 s",
    },
  ];
}
