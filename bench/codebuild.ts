import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
  StopBuildCommand,
  type Build,
} from "@aws-sdk/client-codebuild";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";
import { startServerProcess, type ServerProcess } from "./server-process.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n";

/** Wall time of one child process, from spawn to exit; rejects on a non-zero exit. */
function timeProcess(command: string, args: string[], cwd?: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${err}`));
    });
  });
}

const echoHi = () => timeProcess("bash", ["-c", "echo hi"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `n` tasks, at most `parallel` at a time; resolves to the elapsed ms. */
async function runPool(n: number, parallel: number, task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < n) await task();
    }),
  );
  return performance.now() - started;
}

interface CodeBuildBench {
  server: ServerProcess;
  client: CodeBuildClient;
  dir: string;
}

/** A NO_SOURCE project that runs `buildspec`. */
async function createProject(client: CodeBuildClient, name: string, buildspec: string): Promise<void> {
  await client.send(
    new CreateProjectCommand({
      name,
      source: { type: "NO_SOURCE", buildspec },
      artifacts: { type: "NO_ARTIFACTS" },
      environment: {
        type: "LINUX_CONTAINER",
        image: "aws/codebuild/standard:7.0",
        computeType: "BUILD_GENERAL1_SMALL",
      },
      serviceRole: "arn:aws:iam::000000000000:role/codebuild",
    }),
  );
}

async function openBench(): Promise<CodeBuildBench> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-cb-"));
  const server = await startServerProcess(path.join(dir, "data"));
  const client = new CodeBuildClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: server.credentials,
  });
  await createProject(client, "echo", BUILDSPEC);
  return { server, client, dir };
}

async function closeBench(b: CodeBuildBench): Promise<void> {
  b.client.destroy();
  await b.server.stop();
  rmSync(b.dir, { recursive: true, force: true });
}

/** Polls BatchGetBuilds (100 ids a call) every `everyMs` until every build is complete. */
async function waitForAll(client: CodeBuildClient, ids: string[], everyMs: number): Promise<Build[]> {
  const done = new Map<string, Build>();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const pending = ids.filter((id) => !done.has(id));
    for (let i = 0; i < pending.length; i += 100) {
      const { builds } = await client.send(new BatchGetBuildsCommand({ ids: pending.slice(i, i + 100) }));
      for (const b of builds ?? []) if (b.buildComplete) done.set(b.id!, b);
    }
    if (done.size === ids.length) return ids.map((id) => done.get(id)!);
    if (Date.now() > deadline) throw new Error(`${ids.length - done.size} builds did not complete in 120 s`);
    await sleep(everyMs);
  }
}

/** Milliseconds each phase took by the server's clock, summed over builds, for the diagnosis line. */
function phaseBreakdown(builds: Build[]): string {
  const per = new Map<string, number[]>();
  for (const b of builds) {
    for (const p of b.phases ?? []) {
      if (!p.startTime || !p.endTime) continue;
      const ms = p.endTime.getTime() - p.startTime.getTime();
      per.set(p.phaseType!, [...(per.get(p.phaseType!) ?? []), ms]);
    }
  }
  return [...per].map(([phase, ms]) => `${phase} ${percentile(ms, 50).toFixed(0)}`).join(", ");
}

/**
 * One one-`echo` build from StartBuild to SUCCEEDED as a client sees it (BatchGetBuilds polled every
 * 2 ms), against `bash -c 'echo hi'` spawned in the same run, interleaved build by build.
 */
export async function benchBuildLatency(runs = 30): Promise<BenchRow[]> {
  const b = await openBench();
  try {
    const builds: Build[] = [];
    const latency: number[] = [];
    const bash: number[] = [];
    for (let i = -3; i < runs; i++) {
      const t = performance.now();
      const { build } = await b.client.send(new StartBuildCommand({ projectName: "echo" }));
      const [done] = await waitForAll(b.client, [build!.id!], 2);
      const ms = performance.now() - t;
      if (done!.buildStatus !== "SUCCEEDED") {
        const why = (done!.phases ?? []).flatMap((p) => (p.contexts ?? []).map((c) => c.message)).join("; ");
        throw new Error(`build ${done!.id} ended ${done!.buildStatus}: ${why}`);
      }
      const base = await echoHi();
      if (i < 0) continue; // warm-up: sandbox detection, first claim, JIT
      latency.push(ms);
      bash.push(base);
      builds.push(done!);
    }
    process.stderr.write(
      `bench: codebuild build phases, p50 ms by the server's clock: ${phaseBreakdown(builds)}\n`,
    );
    const row = (p: number): BenchRow => ({
      name: `CodeBuild one-echo build, StartBuild → SUCCEEDED p${p} (${runs} builds)`,
      value: fmtMs(percentile(latency, p)),
      baseline: `${fmtMs(percentile(bash, p))} bash -c 'echo hi'`,
      ratio: fmtRatio(percentile(latency, p), percentile(bash, p)),
      target: p === 50 ? "< 150 ms" : "—",
    });
    return [row(50), row(90)];
  } finally {
    await closeBench(b);
  }
}

/**
 * `n` one-`echo` builds started at once (parallel StartBuild calls): builds per second from the
 * first StartBuild to the last completion, against `n` `bash -c 'echo hi'` runs with the server's
 * build concurrency (its default: the number of cores).
 */
export async function benchBuildThroughput(n = 200): Promise<BenchRow[]> {
  const parallel = os.availableParallelism();
  const b = await openBench();
  try {
    // Warm-up: sandbox detection and the first claim are not part of a steady queue.
    const { build: first } = await b.client.send(new StartBuildCommand({ projectName: "echo" }));
    await waitForAll(b.client, [first!.id!], 5);
    const t = performance.now();
    const started = await Promise.all(
      Array.from({ length: n }, () => b.client.send(new StartBuildCommand({ projectName: "echo" }))),
    );
    const builds = await waitForAll(
      b.client,
      started.map((s) => s.build!.id!),
      20,
    );
    const ms = performance.now() - t;
    const failed = builds.filter((x) => x.buildStatus !== "SUCCEEDED");
    if (failed.length) throw new Error(`${failed.length} of ${n} builds did not succeed`);
    process.stderr.write(
      `bench: codebuild ${n} builds, p50 ms per phase by the server's clock: ${phaseBreakdown(builds)}\n`,
    );
    const baseMs = await runPool(n, parallel, echoHi);
    const rate = n / (ms / 1000);
    const baseRate = n / (baseMs / 1000);
    return [
      {
        name: `CodeBuild ${n} one-echo builds at once, all SUCCEEDED`,
        value: `${rate.toFixed(1)} builds/s`,
        baseline: `${baseRate.toFixed(0)} runs/s bash -c 'echo hi' × ${parallel} parallel`,
        ratio: fmtRatio(rate, baseRate),
        target: "≥ 20 builds/s",
      },
    ];
  } finally {
    await closeBench(b);
  }
}

/** `pipewright build` of a one-`echo` buildspec (the built CLI, bubblewrap) against `bash -c 'echo hi'`. */
export async function benchLocalBuild(runs = 15): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-cli-"));
  writeFileSync(path.join(dir, "buildspec.yml"), BUILDSPEC);
  const bin = path.join(ROOT, "dist/cli/main.js");
  try {
    const cli: number[] = [];
    const bash: number[] = [];
    for (let i = -2; i < runs; i++) {
      const c = await timeProcess(process.execPath, [bin, "build"], dir);
      const e = await echoHi();
      if (i < 0) continue;
      cli.push(c);
      bash.push(e);
    }
    const p50 = percentile(cli, 50);
    const base = percentile(bash, 50);
    return [
      {
        name: `pipewright build, one-echo buildspec, wall p50 (${runs} runs)`,
        value: fmtMs(p50),
        baseline: `${fmtMs(base)} bash -c 'echo hi'`,
        ratio: fmtRatio(p50, base),
        target: "< 400 ms",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Running (not zombie) processes whose command line contains `token`. */
function processesWithToken(token: string): number {
  let found = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (cmdline.includes(token) && stat[stat.lastIndexOf(")") + 2] !== "Z") found++;
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** Polls every 5 ms until `done()`; resolves to the ms it took, or rejects after `limitMs`. */
async function timeUntil(done: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<number> {
  const t = performance.now();
  while (!(await done())) {
    if (performance.now() - t > limitMs) throw new Error(`not done within ${limitMs} ms`);
    await sleep(5);
  }
  return performance.now() - t;
}

/** Two background sleeps named `token` (argv[0]), and a wait on them: a small process tree. */
const sleepers = (token: string) => `(exec -a ${token} sleep 600) & (exec -a ${token} sleep 600) & wait`;

/**
 * StopBuild on a build whose command left a process tree running: ms from the StopBuild call until
 * no process of the tree is left on the machine, and until BatchGetBuilds says STOPPED — against
 * `kill -KILL` of the same tree's process group started by plain bash. The promise is "gone within
 * 2 seconds"; the tests only check that it happens.
 */
export async function benchBuildStop(runs = 10): Promise<BenchRow[]> {
  const b = await openBench();
  try {
    await createProject(
      b.client,
      "sleepers",
      'version: 0.2\nphases:\n  build:\n    commands:\n      - bash -c "$SLEEPERS"\n',
    );
    const gone: number[] = [];
    const stopped: number[] = [];
    const bash: number[] = [];
    for (let i = -1; i < runs; i++) {
      const token = `pwbenchstop${process.pid}x${i + 1}`;
      const { build } = await b.client.send(
        new StartBuildCommand({
          projectName: "sleepers",
          environmentVariablesOverride: [{ name: "SLEEPERS", value: sleepers(token) }],
        }),
      );
      await timeUntil(() => processesWithToken(token) >= 2);
      const t = performance.now();
      await b.client.send(new StopBuildCommand({ id: build!.id! }));
      const [treeGone, statusStopped] = await Promise.all([
        timeUntil(() => processesWithToken(token) === 0).then(() => performance.now() - t),
        timeUntil(async () => {
          const { builds } = await b.client.send(new BatchGetBuildsCommand({ ids: [build!.id!] }));
          return builds?.[0]?.buildStatus === "STOPPED";
        }).then(() => performance.now() - t),
      ]);

      const baseToken = `${token}b`;
      const child = spawn("bash", ["-c", sleepers(baseToken)], { detached: true, stdio: "ignore" });
      await timeUntil(() => processesWithToken(baseToken) >= 2);
      const tb = performance.now();
      process.kill(-child.pid!, "SIGKILL");
      await timeUntil(() => processesWithToken(baseToken) === 0);
      const baseMs = performance.now() - tb;
      if (i < 0) continue;
      gone.push(treeGone);
      stopped.push(statusStopped);
      bash.push(baseMs);
    }
    const base = `${fmtMs(percentile(bash, 50))} kill -KILL of the same tree from bash`;
    return [
      {
        name: `StopBuild → the build's process tree gone, p50 / max (${runs} builds)`,
        value: `${fmtMs(percentile(gone, 50))} / ${fmtMs(Math.max(...gone))}`,
        baseline: base,
        ratio: fmtRatio(percentile(gone, 50), percentile(bash, 50)),
        target: "< 2 s",
      },
      {
        name: `StopBuild → BatchGetBuilds says STOPPED, p50 (${runs} builds)`,
        value: fmtMs(percentile(stopped, 50)),
        baseline: base,
        ratio: fmtRatio(percentile(stopped, 50), percentile(bash, 50)),
        target: "< 2 s",
      },
    ];
  } finally {
    await closeBench(b);
  }
}
