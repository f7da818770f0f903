import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startServerProcess, type ServerProcess } from "./server-process.js";
import { s3SourceStage } from "./stages.js";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";

const CHROMIUM = process.env.PIPEWRIGHT_TEST_CHROMIUM ?? "/usr/bin/chromium";
const WEB_DIR = path.resolve(import.meta.dirname, "../dist/web");

/** The four empty tables of a new server's Dashboard. */
const EMPTY_TABLES = [
  "No repositories to display.",
  "No pipelines to display.",
  "No builds to display.",
  "No deployments are running.",
];

/**
 * Reports from inside the page, as console messages, three moments in ms from the navigation's
 * start: "painted", the frame that first shows an `<h1>Dashboard</h1>` is drawn; "answering", the
 * first task after that frame runs, which is when a click made as it appeared would be handled;
 * "filled", the frame that shows all four empty tables is drawn. Nothing polls the page from
 * outside while it loads: Playwright's locators run their own script in the page's main thread,
 * which slowed the load they timed by 60–100 ms here.
 */
const LOAD_PROBE = `
  (() => {
    const report = (what) => console.debug("pipewright-bench", what, performance.now());
    const tables = ${JSON.stringify(EMPTY_TABLES)};
    let painted = false;
    new MutationObserver((_, observer) => {
      if (!painted && [...document.querySelectorAll("h1")].some((h) => h.textContent.trim() === "Dashboard")) {
        painted = true;
        requestAnimationFrame(() => {
          report("painted");
          setTimeout(() => report("answering"));
        });
      }
      if (painted && tables.every((t) => document.body.textContent.includes(t))) {
        observer.disconnect();
        requestAnimationFrame(() => report("filled"));
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  })();
`;

/**
 * Loads `url` in `page` and resolves, for each moment LOAD_PROBE reports, when Node saw it (ms from
 * the navigation's start here) and when the page recorded it (ms from its own navigation start).
 */
async function timedLoad(
  page: Page,
  url: string,
  moments: string[],
): Promise<Record<string, { outside: number; inside: number }>> {
  const seen: Record<string, { outside: number; inside: number }> = {};
  let started = 0;
  const all = new Promise<void>((resolve) => {
    page.on("console", (message) => {
      const [tag, what, at] = message.text().split(" ");
      if (tag !== "pipewright-bench" || what === undefined) return;
      seen[what] = { outside: performance.now() - started, inside: Number(at) };
      if (moments.every((m) => m in seen)) resolve();
    });
  });
  await page.addInitScript(LOAD_PROBE);
  started = performance.now();
  await page.goto(url);
  await all;
  return seen;
}

/**
 * The console's first load in the distribution's Chromium, on loopback, signed in, with an empty
 * cache each time: from navigation until the Dashboard's heading is on screen and the page answers
 * input (its frame, navigation and actions work from then on), against a bare static page from a
 * plain Node HTTP server in the same browser, timed the same way; then until the Dashboard's four
 * tables show what the server answered; and the JavaScript that load fetched, gzipped.
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

    const answering: number[] = [];
    const painted: number[] = [];
    const filled: number[] = [];
    const bareAnswering: number[] = [];
    let firstJs = 0;
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      await context.addCookies(cookies);
      const tab = await context.newPage();
      const load = await timedLoad(tab, `${server.url}/_/console/`, ["painted", "answering", "filled"]);
      answering.push(load.answering!.outside);
      painted.push(load.painted!.inside);
      filled.push(load.filled!.outside);
      // Sized from the built files afterwards: reading bodies over the DevTools protocol during the
      // load would slow the load it measures.
      const scripts = await tab.evaluate<string[]>(
        `performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((p) => p.endsWith(".js"))`,
      );
      firstJs = scripts.reduce(
        (sum, p) => sum + gzipSync(readFileSync(path.join(WEB_DIR, p.replace(/^\/_\/console\//, "")))).length,
        0,
      );
      const blank = await context.newPage();
      bareAnswering.push((await timedLoad(blank, bareUrl, ["answering"])).answering!.outside);
      await context.close();
    }
    const p50 = percentile(answering, 50);
    const b = percentile(bareAnswering, 50);
    const pushed = await benchPushedChange(server, browser, cookies);
    return [
      {
        name: "console first load → Dashboard painted and answering input, empty cache (p50)",
        value: fmtMs(p50),
        baseline: `${fmtMs(b)} bare static page, same browser`,
        ratio: fmtRatio(p50, b),
        target: "< 1 s",
      },
      {
        name: "console first load → Dashboard heading painted, measured in the page (p50)",
        value: fmtMs(percentile(painted, 50)),
        baseline: "—",
        ratio: "—",
        target: "< 1 s",
      },
      {
        name: "console first load → Dashboard's four tables filled (p50)",
        value: fmtMs(percentile(filled, 50)),
        baseline: `${fmtMs(b)} bare static page, same browser`,
        ratio: fmtRatio(percentile(filled, 50), b),
        target: "—",
      },
      {
        name: "console first load: JavaScript fetched, gzipped",
        value: `${(firstJs / 1024).toFixed(0)} KB`,
        baseline: "—",
        ratio: "—",
        target: "< 400 KB",
      },
      pushed,
    ];
  } finally {
    await browser.close();
    bare.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A state change shown in an open page: a pipeline's manual approval approved through the API, timed
 * until the pipeline page shows the action Succeeded (pushed over the console's change stream),
 * against the API call's own round trip.
 */
async function benchPushedChange(
  server: ServerProcess,
  browser: Browser,
  cookies: Parameters<BrowserContext["addCookies"]>[0],
  runs = 10,
): Promise<BenchRow> {
  const config = {
    endpoint: server.url,
    region: "us-east-1",
    credentials: server.credentials,
  };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: "bench-push" }));
  await s3.send(new PutObjectCommand({ Bucket: "bench-push", Key: "src.zip", Body: "not read" }));
  s3.destroy();
  const cp = new CodePipelineClient(config);
  await cp.send(
    new CreatePipelineCommand({
      pipeline: {
        name: "bench-push",
        roleArn: "arn:aws:iam::000000000000:role/pipeline",
        artifactStore: { type: "S3", location: "bench-push" },
        stages: [
          s3SourceStage("bench-push", "src.zip"),
          {
            name: "Approve",
            actions: [
              {
                name: "Gate",
                actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
              },
            ],
          },
        ],
      },
    }),
  );
  const context = await browser.newContext();
  await context.addCookies(cookies);
  const tab = await context.newPage();
  await tab.goto(`${server.url}/_/console/codepipeline/pipelines/bench-push`);
  const gate = tab.getByLabel("Action Gate", { exact: true });
  const shown: number[] = [];
  const calls: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      if (i > 0) await cp.send(new StartPipelineExecutionCommand({ name: "bench-push" }));
      await gate.getByRole("button", { name: "Review" }).waitFor({ timeout: 30_000 });
      const state = await cp.send(new GetPipelineStateCommand({ name: "bench-push" }));
      const token = state.stageStates?.find((st) => st.stageName === "Approve")?.actionStates?.[0]
        ?.latestExecution?.token;
      const started = performance.now();
      await cp.send(
        new PutApprovalResultCommand({
          pipelineName: "bench-push",
          stageName: "Approve",
          actionName: "Gate",
          token,
          result: { status: "Approved", summary: "bench" },
        }),
      );
      calls.push(performance.now() - started);
      await gate.getByText("Succeeded").first().waitFor({ timeout: 30_000 });
      shown.push(performance.now() - started);
    }
  } finally {
    cp.destroy();
    await context.close();
  }
  const p50 = percentile(shown, 50);
  const call = percentile(calls, 50);
  return {
    name: "state change (approval via the API) shown in the open pipeline page, pushed (p50)",
    value: fmtMs(p50),
    baseline: `${fmtMs(call)} the PutApprovalResult call alone`,
    ratio: fmtRatio(p50, call),
    target: "< 500 ms",
  };
}
