import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
} from "@aws-sdk/client-codebuild";
import { fmtMs, fmtRatio, type BenchRow } from "./stats.js";
import { startServerProcess } from "./server-process.js";

/**
 * A build that prints `mb` MB of one-character lines (`yes`), from StartBuild to SUCCEEDED with
 * every line stored, against the same output written to a file by bash in the same run. The
 * database's growth is reported beside it.
 */
export async function benchBuildLogs(mb = 20): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-logs-"));
  const dataDir = path.join(dir, "data");
  const server = await startServerProcess(dataDir);
  const client = new CodeBuildClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: server.credentials,
  });
  const command = `yes | head -c ${mb * 1_000_000}`;
  try {
    await client.send(
      new CreateProjectCommand({
        name: "chatty",
        source: {
          type: "NO_SOURCE",
          buildspec: `version: 0.2\nphases:\n  build:\n    commands:\n      - ${command}\n`,
        },
        artifacts: { type: "NO_ARTIFACTS" },
        environment: {
          type: "LINUX_CONTAINER",
          image: "aws/codebuild/standard:7.0",
          computeType: "BUILD_GENERAL1_SMALL",
        },
        serviceRole: "arn:aws:iam::000000000000:role/codebuild",
      }),
    );
    const dbBytes = () =>
      readdirSync(dataDir)
        .filter((f) => f.startsWith("pipewright.db"))
        .reduce((sum, f) => sum + statSync(path.join(dataDir, f)).size, 0);
    const before = dbBytes();
    const started = performance.now();
    const { build } = await client.send(new StartBuildCommand({ projectName: "chatty" }));
    for (;;) {
      const { builds } = await client.send(new BatchGetBuildsCommand({ ids: [build!.id!] }));
      const b = builds?.[0];
      if (b?.buildComplete) {
        if (b.buildStatus !== "SUCCEEDED") throw new Error(`chatty build ended ${b.buildStatus}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const ms = performance.now() - started;
    const grown = dbBytes() - before;
    const t = performance.now();
    spawnSync("bash", ["-c", `${command} > ${path.join(dir, "out.txt")}`]);
    const base = performance.now() - t;
    return [
      {
        name: `CodeBuild build printing ${mb} MB of one-character lines, all stored (database grew ${(grown / 1e6).toFixed(0)} MB)`,
        value: fmtMs(ms),
        baseline: `${fmtMs(base)} (bash to a file)`,
        ratio: fmtRatio(ms, base),
        target: "flat memory (tested); no time target",
      },
    ];
  } finally {
    client.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
