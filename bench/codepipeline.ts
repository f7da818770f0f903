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
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createLogger, loadServerConfig } from "../src/core/index.js";
import { startServer } from "../src/http/server.js";
import { credentialUrl, git } from "./codecommit.js";
import { s3SourceStage } from "./stages.js";
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

/** Milliseconds between a Source stage ending and the Deploy stage starting, per execution. */
async function transitions(
  server: Awaited<ReturnType<typeof startServer>>,
  ids: readonly string[],
): Promise<number[]> {
  const rows = await server.store.db
    .selectFrom("codepipeline_stage_executions")
    .select(["execution_id", "stage_name", "started_at", "updated_at"])
    .where("execution_id", "in", [...ids])
    .execute();
  return ids.map((id) => {
    const source = rows.find((r) => r.execution_id === id && r.stage_name === "Source")!;
    const deploy = rows.find((r) => r.execution_id === id && r.stage_name === "Deploy")!;
    return Number(deploy.started_at) - Number(source.updated_at);
  });
}

/**
 * 20 pipelines (S3 source → S3 deploy, QUEUED), each started 5 times at once: every execution
 * must end Succeeded with each action run once, and the Source → Deploy transition should cost
 * what it costs one execution alone (measured first, in the same run).
 */
export async function benchPipelineBurst(pipelines = 20, starts = 5): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-cp-burst-"));
  const config = loadServerConfig({ port: 0, sshPort: 0, dataDir: path.join(dir, "data") }, {});
  const server = await startServer(config, { logger: createLogger({ level: "warn" }) });
  const clientConfig = { endpoint: server.url, region: config.region, credentials: server.credentials };
  const cp = new CodePipelineClient(clientConfig);
  try {
    const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
    for (const Bucket of ["burst-artifacts", "burst-source", "burst-site"])
      await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(
      new PutObjectCommand({
        Bucket: "burst-source",
        Key: "app.zip",
        Body: Buffer.from("PK\x05\x06" + "\0".repeat(18), "binary"),
      }),
    );
    s3.destroy();
    const names = Array.from({ length: pipelines }, (_, i) => `burst-${i}`);
    for (const name of names) {
      await cp.send(
        new CreatePipelineCommand({
          pipeline: {
            name,
            roleArn: "arn:aws:iam::000000000000:role/pipeline",
            pipelineType: "V2",
            executionMode: "QUEUED",
            artifactStore: { type: "S3", location: "burst-artifacts" },
            stages: [
              s3SourceStage("burst-source", "app.zip"),
              {
                name: "Deploy",
                actions: [
                  {
                    name: "Put",
                    actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
                    configuration: {
                      BucketName: "burst-site",
                      Extract: "false",
                      ObjectKey: "#{codepipeline.PipelineExecutionId}.zip",
                    },
                    inputArtifacts: [{ name: "Src" }],
                  },
                ],
              },
            ],
          },
        }),
      );
    }
    const waitAll = async (ids: Array<[string, string]>) => {
      const deadline = Date.now() + 300_000;
      for (const [name, id] of ids) {
        for (;;) {
          const { pipelineExecution: e } = await cp.send(
            new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }),
          );
          if (e!.status === "Succeeded") break;
          if (e!.status !== "InProgress")
            throw new Error(`${name} execution ${id} ended ${e!.status}: ${e!.statusSummary}`);
          if (Date.now() > deadline) throw new Error("executions did not end within 5 minutes");
          await sleep(20);
        }
      }
    };
    // Each pipeline's creation run first; then one execution at a time, alone, as the baseline.
    const created = await server.store.db
      .selectFrom("codepipeline_executions")
      .select(["pipeline_name", "execution_id"])
      .execute();
    await waitAll(created.map((r) => [r.pipeline_name, r.execution_id]));
    const alone: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: names[0] }));
      await waitAll([[names[0]!, pipelineExecutionId!]]);
      alone.push(pipelineExecutionId!);
    }
    const t = performance.now();
    const started = await Promise.all(
      names.flatMap((name) =>
        Array.from({ length: starts }, async () => {
          const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name }));
          return [name, pipelineExecutionId!] as [string, string];
        }),
      ),
    );
    await waitAll(started);
    const wall = performance.now() - t;
    const ids = started.map(([, id]) => id);
    const actions = await server.store.db
      .selectFrom("codepipeline_action_executions")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("execution_id", "in", ids)
      .executeTakeFirst();
    if (Number(actions?.n) !== ids.length * 2)
      throw new Error(`${actions?.n} action runs for ${ids.length} executions`);
    const burst = await transitions(server, ids);
    const base = await transitions(server, alone);
    return [
      {
        name: `${pipelines} pipelines × ${starts} starts at once (QUEUED): all ${ids.length} Succeeded, each action once; wall time`,
        value: fmtMs(wall),
        baseline: "—",
        ratio: "—",
        target: "every execution ends, none twice",
      },
      {
        name: `… Source → Deploy stage transition, p50 / p90 (${ids.length} executions)`,
        value: `${fmtMs(percentile(burst, 50))} / ${fmtMs(percentile(burst, 90))}`,
        baseline: `${fmtMs(percentile(base, 50))} one execution alone (p50, 10 runs)`,
        ratio: fmtRatio(percentile(burst, 50), percentile(base, 50)),
        target: "flat",
      },
    ];
  } finally {
    cp.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
