import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BatchGetBuildsCommand, CodeBuildClient, CreateProjectCommand } from "@aws-sdk/client-codebuild";
import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  StartPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { createLogger, loadServerConfig } from "../src/core/index.js";
import { startServer } from "../src/http/server.js";
import { credentialUrl, git } from "./codecommit.js";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";

const PUSHES = 20;
const RUNS = 10;
const BUILDSPEC =
  "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi > out.txt\nartifacts:\n  files: [out.txt]\n";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A pipeline of CodeCommit source → one-echo CodeBuild build → S3 deploy on one server: how soon
 * after `git push` returns its execution is under way, and what an execution costs beyond the time
 * its build takes.
 */
export async function benchPipeline(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-cp-"));
  const config = loadServerConfig({ port: 0, sshPort: 0, dataDir: path.join(dir, "data") }, {});
  const server = await startServer(config, { logger: createLogger({ level: "warn" }) });
  const started = new Map<string, number>();
  server.bus.subscribe(
    "bench.pipeline-started",
    async (e) => {
      if (e.detail["state"] === "STARTED") started.set(String(e.detail["execution-id"]), performance.now());
    },
    { filter: (e) => e["detail-type"] === "CodePipeline Pipeline Execution State Change", startAt: "latest" },
  );
  const clientConfig = { endpoint: server.url, region: config.region, credentials: server.credentials };
  const cp = new CodePipelineClient(clientConfig);
  const cb = new CodeBuildClient(clientConfig);
  try {
    const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
    for (const Bucket of ["bench-artifacts", "bench-site"])
      await s3.send(new CreateBucketCommand({ Bucket }));
    s3.destroy();
    const cc = new CodeCommitClient(clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "bench" }));
    cc.destroy();
    await cb.send(
      new CreateProjectCommand({
        name: "bench-build",
        source: { type: "CODEPIPELINE", buildspec: BUILDSPEC },
        artifacts: { type: "CODEPIPELINE" },
        environment: {
          type: "LINUX_CONTAINER",
          image: "aws/codebuild/standard:7.0",
          computeType: "BUILD_GENERAL1_SMALL",
        },
        serviceRole: "arn:aws:iam::000000000000:role/codebuild",
      }),
    );
    const url = await credentialUrl(server.url, clientConfig);
    const work = path.join(dir, "work");
    await git(["clone", "-q", url("bench"), work]);
    writeFileSync(path.join(work, "n.txt"), "0\n");
    await git(["add", "n.txt"], work);
    await git(["commit", "-q", "-m", "first"], work);
    await git(["push", "-q", "origin", "HEAD:main"], work);
    await cp.send(
      new CreatePipelineCommand({
        pipeline: {
          name: "bench",
          roleArn: "arn:aws:iam::000000000000:role/pipeline",
          artifactStore: { type: "S3", location: "bench-artifacts" },
          stages: [
            {
              name: "Source",
              actions: [
                {
                  name: "Checkout",
                  actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
                  configuration: { RepositoryName: "bench", BranchName: "main" },
                  outputArtifacts: [{ name: "Src" }],
                },
              ],
            },
            {
              name: "Build",
              actions: [
                {
                  name: "Echo",
                  actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
                  configuration: { ProjectName: "bench-build" },
                  inputArtifacts: [{ name: "Src" }],
                  outputArtifacts: [{ name: "Out" }],
                },
              ],
            },
            {
              name: "Deploy",
              actions: [
                {
                  name: "Put",
                  actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
                  configuration: { BucketName: "bench-site", Extract: "false", ObjectKey: "out.zip" },
                  inputArtifacts: [{ name: "Out" }],
                },
              ],
            },
          ],
        },
      }),
    );

    /** Waits for an execution to end; its wall time from `from`, and its build's own time. */
    const finish = async (id: string, from: number): Promise<{ total: number; build: number }> => {
      for (;;) {
        const { pipelineExecution: e } = await cp.send(
          new GetPipelineExecutionCommand({ pipelineName: "bench", pipelineExecutionId: id }),
        );
        if (e!.status !== "InProgress") {
          if (e!.status !== "Succeeded")
            throw new Error(`execution ${id} ended ${e!.status}: ${e!.statusSummary}`);
          const total = performance.now() - from;
          const { actionExecutionDetails } = await cp.send(
            new ListActionExecutionsCommand({ pipelineName: "bench", filter: { pipelineExecutionId: id } }),
          );
          const buildId = actionExecutionDetails!.find((a) => a.actionName === "Echo")!.output!
            .executionResult!.externalExecutionId!;
          const { builds } = await cb.send(new BatchGetBuildsCommand({ ids: [buildId] }));
          const b = builds![0]!;
          return { total, build: b.endTime!.getTime() - b.startTime!.getTime() };
        }
        await sleep(5);
      }
    };

    // Push → InProgress: an execution is under way once its STARTED event is delivered.
    const latency: number[] = [];
    const pushes: number[] = [];
    let early = 0;
    for (let i = 1; i <= PUSHES; i++) {
      writeFileSync(path.join(work, "n.txt"), `${i}\n`);
      await git(["commit", "-q", "-am", `n${i}`], work);
      const before = new Set(started.keys());
      pushes.push(await git(["push", "-q", "origin", "HEAD:main"], work));
      const exitedAt = performance.now();
      let id: string | undefined;
      while (!id && performance.now() < exitedAt + 10_000) {
        id = [...started.keys()].find((k) => !before.has(k));
        if (!id) await new Promise((r) => setImmediate(r));
      }
      if (!id) throw new Error("no execution started within 10 s of a push");
      if (started.get(id)! <= exitedAt) early++;
      latency.push(Math.max(0, started.get(id)! - exitedAt));
      await finish(id, exitedAt);
    }

    // Overhead: StartPipelineExecution → Succeeded, against the build's own start → end.
    const totals: number[] = [];
    const builds: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: "bench" }));
      const { total, build } = await finish(pipelineExecutionId!, t);
      totals.push(total);
      builds.push(build);
    }
    const overhead = totals.map((t, i) => t - builds[i]!);
    return [
      {
        name: `git push returned → pipeline execution started, p50 (${PUSHES} pushes; ${early} started before git push exited)`,
        value: fmtMs(percentile(latency, 50)),
        baseline: `${fmtMs(percentile(pushes, 50))} the git push itself (p50)`,
        ratio: fmtRatio(percentile(latency, 50), percentile(pushes, 50)),
        target: "< 100 ms",
      },
      {
        name: `Source → one-echo Build → S3 deploy, StartPipelineExecution → Succeeded, p50 (${RUNS} runs)`,
        value: fmtMs(percentile(totals, 50)),
        baseline: `${fmtMs(percentile(builds, 50))} the build itself, start → end (p50)`,
        ratio: fmtRatio(percentile(totals, 50), percentile(builds, 50)),
        target: `< 1 s beyond the build (here ${fmtMs(percentile(overhead, 50))})`,
      },
    ];
  } finally {
    cp.destroy();
    cb.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
