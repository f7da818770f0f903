import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startServerProcess } from "./server-process.js";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";

const CHROMIUM = process.env.PIPEWRIGHT_TEST_CHROMIUM ?? "/usr/bin/chromium";

/**
 * The console's first load in the distribution's Chromium, on loopback, signed in, with an empty
 * cache each time: from navigation to the Dashboard's heading on screen, against a bare static page
 * from a plain Node HTTP server in the same browser; and the JavaScript that load fetched, gzipped.
 */
export async function benchConsole(runs = 10): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-console-"));
  const server = await startServerProcess(dir);
  const bare = createServer((_q, r) => r.end("<!doctype html><title>bare</title><h1>Dashboard</h1>"));
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
  try {
    // One sign-in; each measured load then starts from a fresh context holding only the cookie.
    const signIn = await browser.newContext();
    const page = await signIn.newPage();
    await page.goto(`${server.url}/_/console/signin`);
    const status = await page.evaluate(
      async ([id, secret]) => {
        const r = await fetch("/_/console/session", {
          method: "POST",
          headers: { "content-type": "application/json", "x-pipewright-console": "1" },
          body: JSON.stringify({ accessKeyId: id, secretAccessKey: secret }),
        });
        return r.status;
      },
      [server.credentials.accessKeyId, server.credentials.secretAccessKey] as const,
    );
    if (status !== 200) throw new Error(`console sign-in answered ${status}`);
    const cookies = await signIn.cookies();
    await signIn.close();

    const loads: number[] = [];
    const bareLoads: number[] = [];
    let firstJs = 0;
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      await context.addCookies(cookies);
      const tab = await context.newPage();
      const scripts: Array<Promise<number>> = [];
      tab.on("response", (response) => {
        if (/\.js$/.test(new URL(response.url()).pathname)) {
          scripts.push(response.body().then((body) => gzipSync(body).length));
        }
      });
      let started = performance.now();
      await tab.goto(`${server.url}/_/console/`);
      await tab.getByRole("heading", { name: "Dashboard" }).first().waitFor();
      loads.push(performance.now() - started);
      firstJs = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
      const blank = await context.newPage();
      started = performance.now();
      await blank.goto(bareUrl);
      await blank.getByRole("heading", { name: "Dashboard" }).waitFor();
      bareLoads.push(performance.now() - started);
      await context.close();
    }
    const p50 = percentile(loads, 50);
    const b = percentile(bareLoads, 50);
    return [
      {
        name: "console first load → Dashboard on screen, empty cache (p50)",
        value: fmtMs(p50),
        baseline: `${fmtMs(b)} bare static page, same browser`,
        ratio: fmtRatio(p50, b),
        target: "< 1 s",
      },
      {
        name: "console first load: JavaScript fetched, gzipped",
        value: `${(firstJs / 1024).toFixed(0)} KB`,
        baseline: "—",
        ratio: "—",
        target: "< 400 KB",
      },
    ];
  } finally {
    await browser.close();
    bare.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
