import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchApiLatency } from "./api-latency.js";
import { benchBuildLogs } from "./build-logs.js";
import { benchBuildLatency, benchBuildStop, benchBuildThroughput, benchLocalBuild } from "./codebuild.js";
import { benchGitEventLatency, benchGitThroughput } from "./codecommit.js";
import { benchCodeDeploy } from "./codedeploy.js";
import { benchConsole } from "./console.js";
import { benchPipeline, benchPipelineBurst } from "./codepipeline.js";
import { benchPipelineS3Source } from "./codepipeline-s3.js";
import { benchS3Throughput } from "./s3-throughput.js";
import { benchScale } from "./scale.js";
import { benchStartup } from "./startup.js";
import { printTable, type BenchRow } from "./stats.js";

/**
 * `npm run bench`: every benchmark beside a baseline measured in the same run, printed as a
 * Markdown table for BENCHMARKS.md. Needs `npm run build` first (it starts the built server).
 */
const ROOT = path.resolve(import.meta.dirname, "..");
if (!existsSync(path.join(ROOT, "dist/cli/main.js"))) {
  console.error("bench: run `npm run build` first");
  process.exit(1);
}

const only = process.argv.slice(2);
const suites: Array<[string, () => Promise<BenchRow[]>]> = [
  ["startup", () => benchStartup()],
  ["api", () => benchApiLatency()],
  ["s3", () => benchS3Throughput()],
  ["codebuild", () => benchBuildLatency()],
  ["codebuild-burst", () => benchBuildThroughput()],
  ["codebuild-stop", () => benchBuildStop()],
  ["cli-build", () => benchLocalBuild()],
  ["build-logs", () => benchBuildLogs()],
  ["codecommit", async () => [...(await benchGitThroughput()), ...(await benchGitEventLatency())]],
  ["codepipeline", () => benchPipeline()],
  ["codepipeline-burst", () => benchPipelineBurst()],
  ["codepipeline-s3", () => benchPipelineS3Source()],
  ["codedeploy", () => benchCodeDeploy()],
  ["console", () => benchConsole()],
  // Loads 50,000 items of each kind (about a quarter of an hour): run only when named.
  ["scale", () => benchScale()],
];
const NAMED_ONLY = new Set(["scale"]);

const unknown = only.filter((n) => !suites.some(([name]) => name === n));
if (unknown.length) {
  console.error(`bench: unknown suite ${unknown.join(", ")}; known: ${suites.map(([n]) => n).join(", ")}`);
  process.exit(1);
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
process.stdout.write(
  `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}\n\n`,
);
const rows: BenchRow[] = [];
for (const [name, run] of suites) {
  if (only.length ? !only.includes(name) : NAMED_ONLY.has(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await run()));
}
printTable(rows);
