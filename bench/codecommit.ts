import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import { CreateServiceSpecificCredentialCommand, IAMClient, type IAMClientConfig } from "@aws-sdk/client-iam";
import { createLogger, loadServerConfig } from "../src/core/index.js";
import { startServer } from "../src/http/server.js";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";
import { startServerProcess } from "./server-process.js";

const COMMITS = 5000;
const FILE_BYTES = 10 * 1024; // 5,000 commits × 10 KiB of random bytes ≈ 50 MiB
const RUNS = 5;
const LATENCY_PUSHES = 30;

const GIT_ENV = {
  PATH: process.env.PATH,
  HOME: os.tmpdir(),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};

/** Runs git; resolves with the wall time in ms from spawn to exit, rejects on failure. */
export function git(args: string[], cwd?: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: GIT_ENV, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`git ${args.join(" ")} exited ${code}:\n${err}`));
    });
  });
}

/** A bare repository of `COMMITS` commits, each adding `FILE_BYTES` random bytes, via `git fast-import`. */
async function generate(gitDir: string): Promise<void> {
  await git(["init", "-q", "--bare", "-b", "main", gitDir]);
  const child = spawn("git", ["fast-import", "--quiet"], {
    env: { ...GIT_ENV, GIT_DIR: gitDir },
    stdio: ["pipe", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  const write = (data: string | Buffer) =>
    child.stdin.write(data)
      ? Promise.resolve()
      : new Promise<void>((r) => child.stdin.once("drain", () => r()));
  for (let i = 1; i <= COMMITS; i++) {
    await write(`commit refs/heads/main\ncommitter Bench <bench@example.com> ${1_700_000_000 + i} +0000\n`);
    // Without `from`, each commit follows the branch's previous one.
    await write(`data 9\ncommit ${String(i % 10)}\n`);
    await write(`M 100644 inline d${i % 50}/f${i}.bin\ndata ${FILE_BYTES}\n`);
    await write(randomBytes(FILE_BYTES));
    await write("\n");
  }
  child.stdin.end();
  if ((await exited) !== 0) throw new Error("git fast-import failed");
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mibps = (bytes: number, ms: number) => `${(bytes / 2 ** 20 / (ms / 1000)).toFixed(1)} MiB/s`;

/** A service-specific credential's clone URL for `name`. */
export async function credentialUrl(
  endpoint: string,
  clientConfig: IAMClientConfig,
): Promise<(name: string) => string> {
  const iam = new IAMClient(clientConfig);
  const { ServiceSpecificCredential: c } = await iam.send(
    new CreateServiceSpecificCredentialCommand({ UserName: "root", ServiceName: "codecommit.amazonaws.com" }),
  );
  iam.destroy();
  return (name) => {
    const u = new URL(`${endpoint}/v1/repos/${name}`);
    u.username = encodeURIComponent(c!.ServiceUserName!);
    u.password = encodeURIComponent(c!.ServicePassword!);
    return u.toString();
  };
}

/**
 * Push and clone of a 50 MiB, 5,000-commit repository through Pipewright's git over HTTP (the
 * built server in its own process) beside the same push and clone over `file://` in the same run.
 */
export async function benchGitThroughput(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-git-"));
  try {
    const source = path.join(dir, "source.git");
    await generate(source);
    const { stdout } = await new Promise<{ stdout: string }>((resolve) => {
      let out = "";
      const c = spawn("du", ["-sb", source]);
      c.stdout.on("data", (d: Buffer) => (out += d.toString()));
      c.once("close", () => resolve({ stdout: out }));
    });
    const bytes = Number(stdout.split("\t")[0]);

    const server = await startServerProcess(path.join(dir, "data"));
    const clientConfig = { endpoint: server.url, region: "us-east-1", credentials: server.credentials };
    const url = await credentialUrl(server.url, clientConfig);
    const cc = new CodeCommitClient(clientConfig);
    const push = { http: [] as number[], file: [] as number[] };
    const clone = { http: [] as number[], file: [] as number[] };
    try {
      for (let run = 0; run < RUNS; run++) {
        await cc.send(new CreateRepositoryCommand({ repositoryName: `bench-${run}` }));
        push.http.push(await git(["--git-dir", source, "push", "-q", url(`bench-${run}`), "main"]));
        const target = path.join(dir, `file-${run}.git`);
        await git(["init", "-q", "--bare", target]);
        push.file.push(await git(["--git-dir", source, "push", "-q", `file://${target}`, "main"]));
        // Bare clones: the transport and indexing, without the identical work-tree checkout.
        const fileClone = () =>
          git(["clone", "-q", "--bare", `file://${target}`, path.join(dir, `fc-${run}`)]);
        const httpClone = () =>
          git(["clone", "-q", "--bare", url(`bench-${run}`), path.join(dir, `hc-${run}`)]);
        // Alternating which goes first spreads the machine's background load over both.
        if (run % 2 === 0) {
          clone.http.push(await httpClone());
          clone.file.push(await fileClone());
        } else {
          clone.file.push(await fileClone());
          clone.http.push(await httpClone());
        }
      }
    } finally {
      cc.destroy();
      await server.stop();
    }
    if (process.env.PIPEWRIGHT_BENCH_VERBOSE) console.error({ push, clone });
    const size = `${(bytes / 2 ** 20).toFixed(0)} MiB, ${COMMITS} commits`;
    const row = (what: string, t: { http: number[]; file: number[] }): BenchRow => ({
      name: `git ${what} over HTTP (${size}; median of ${RUNS})`,
      value: `${fmtMs(median(t.http))} (${mibps(bytes, median(t.http))})`,
      baseline: `${fmtMs(median(t.file))} git ${what} file://`,
      ratio: fmtRatio(median(t.file), median(t.http)),
      target: "≥ 0.8× file:// throughput",
    });
    return [row("push", push), row("clone --bare", clone)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * "`git push` returned → CodeCommit Repository State Change delivered to a subscriber", with an
 * in-process server so the subscriber is the bus's own: measured from the moment the `git push`
 * process exits to the moment the subscriber is called (0 when it was called before the exit).
 */
export async function benchGitEventLatency(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-git-ev-"));
  const config = loadServerConfig({ port: 0, dataDir: path.join(dir, "data") }, {});
  const server = await startServer(config, { logger: createLogger({ level: "warn" }) });
  const delivered = new Map<string, number>();
  server.bus.subscribe(
    "bench.git-latency",
    async (e) => void delivered.set(String(e.detail.commitId), performance.now()),
    { filter: (e) => e.source === "aws.codecommit", startAt: "latest" },
  );
  try {
    const clientConfig = { endpoint: server.url, region: config.region, credentials: server.credentials };
    const url = await credentialUrl(server.url, clientConfig);
    const cc = new CodeCommitClient(clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "latency" }));
    cc.destroy();
    const work = path.join(dir, "work");
    await git(["clone", "-q", url("latency"), work]);
    const samples: number[] = [];
    let early = 0;
    const pushes: number[] = [];
    for (let i = 0; i < LATENCY_PUSHES; i++) {
      writeFileSync(path.join(work, "n.txt"), `${i}\n`);
      await git(["add", "n.txt"], work);
      await git(["commit", "-q", "-m", `n${i}`], work);
      const commit = await new Promise<string>((resolve) => {
        let out = "";
        const c = spawn("git", ["rev-parse", "HEAD"], { cwd: work, env: GIT_ENV });
        c.stdout.on("data", (d: Buffer) => (out += d.toString()));
        c.once("close", () => resolve(out.trim()));
      });
      pushes.push(await git(["push", "-q", "origin", "main"], work));
      const exitedAt = performance.now();
      const until = exitedAt + 10_000;
      while (!delivered.has(commit) && performance.now() < until) await new Promise((r) => setImmediate(r));
      const at = delivered.get(commit);
      if (at === undefined) throw new Error(`no event for ${commit} within 10 s`);
      if (at <= exitedAt) early++;
      samples.push(Math.max(0, at - exitedAt));
    }
    return [
      {
        name: `git push returned → Repository State Change delivered, p50 (${LATENCY_PUSHES} pushes; ${early} delivered before git push exited)`,
        value: fmtMs(percentile(samples, 50)),
        baseline: `${fmtMs(percentile(pushes, 50))} the git push itself (p50)`,
        ratio: "—",
        target: "< 50 ms",
      },
      {
        name: `git push returned → Repository State Change delivered, p90 (${LATENCY_PUSHES} pushes)`,
        value: fmtMs(percentile(samples, 90)),
        baseline: `${fmtMs(percentile(pushes, 90))} the git push itself (p90)`,
        ratio: "—",
        target: "—",
      },
    ];
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
