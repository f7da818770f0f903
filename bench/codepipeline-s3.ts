import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createLogger, loadServerConfig } from "../src/core/index.js";
import { startServer } from "../src/http/server.js";
import { s3SourceStage } from "./stages.js";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";

const PUTS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * S3 source change detection: a pipeline whose source is an S3 object (→ S3 deploy), and how soon
 * after PutObject of that object returns its execution is under way (its STARTED event delivered).
 * The baseline is the PutObject itself.
 */
export async function benchPipelineS3Source(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-cp-s3-"));
  const config = loadServerConfig({ port: 0, sshPort: 0, dataDir: path.join(dir, "data") }, {});
  const server = await startServer(config, { logger: createLogger({ level: "warn" }) });
  const started = new Map<string, number>();
  server.bus.subscribe(
    "bench.s3-pipeline-started",
    async (e) => {
      if (e.detail["state"] === "STARTED") started.set(String(e.detail["execution-id"]), performance.now());
    },
    { filter: (e) => e["detail-type"] === "CodePipeline Pipeline Execution State Change", startAt: "latest" },
  );
  const clientConfig = { endpoint: server.url, region: config.region, credentials: server.credentials };
  const cp = new CodePipelineClient(clientConfig);
  const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
  try {
    for (const Bucket of ["s3src-artifacts", "s3src-source", "s3src-site"])
      await s3.send(new CreateBucketCommand({ Bucket }));
    const put = (n: number) =>
      s3.send(new PutObjectCommand({ Bucket: "s3src-source", Key: "app.zip", Body: `revision ${n}\n` }));
    await put(0);
    await cp.send(
      new CreatePipelineCommand({
        pipeline: {
          name: "s3src",
          roleArn: "arn:aws:iam::000000000000:role/pipeline",
          artifactStore: { type: "S3", location: "s3src-artifacts" },
          stages: [
            s3SourceStage("s3src-source", "app.zip"),
            {
              name: "Deploy",
              actions: [
                {
                  name: "Put",
                  actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
                  configuration: { BucketName: "s3src-site", Extract: "false", ObjectKey: "app.zip" },
                  inputArtifacts: [{ name: "Src" }],
                },
              ],
            },
          ],
        },
      }),
    );

    const finish = async (id: string): Promise<void> => {
      for (;;) {
        const { pipelineExecution: e } = await cp.send(
          new GetPipelineExecutionCommand({ pipelineName: "s3src", pipelineExecutionId: id }),
        );
        if (e!.status === "Succeeded") return;
        if (e!.status !== "InProgress")
          throw new Error(`execution ${id} ended ${e!.status}: ${e!.statusSummary}`);
        await sleep(5);
      }
    };
    /** The execution started after `before`, once its STARTED event is delivered. */
    const next = async (before: ReadonlySet<string>, deadline: number) => {
      for (;;) {
        const id = [...started.keys()].find((k) => !before.has(k));
        if (id) return id;
        if (performance.now() > deadline) throw new Error("no execution started within 10 s of a PutObject");
        await new Promise((r) => setImmediate(r));
      }
    };
    // The execution that creating the pipeline started: let it end before measuring.
    await finish(await next(new Set(), performance.now() + 10_000));

    const latency: number[] = [];
    const fromSent: number[] = [];
    const puts: number[] = [];
    let early = 0;
    for (let i = 1; i <= PUTS; i++) {
      const before = new Set(started.keys());
      const sent = performance.now();
      await put(i);
      const returned = performance.now();
      puts.push(returned - sent);
      const id = await next(before, returned + 10_000);
      if (started.get(id)! <= returned) early++;
      latency.push(Math.max(0, started.get(id)! - returned));
      fromSent.push(started.get(id)! - sent);
      await finish(id);
    }
    return [
      {
        name: `PutObject returned → pipeline execution InProgress (S3 source), p50 (${PUTS} puts; ${early} started before PutObject returned)`,
        value: fmtMs(percentile(latency, 50)),
        baseline: `${fmtMs(percentile(puts, 50))} the PutObject itself (p50)`,
        ratio: fmtRatio(percentile(latency, 50), percentile(puts, 50)),
        target: "< 100 ms",
      },
      {
        name: `… PutObject sent → pipeline execution InProgress, p50 (${PUTS} puts)`,
        value: fmtMs(percentile(fromSent, 50)),
        baseline: `${fmtMs(percentile(puts, 50))} the PutObject itself (p50)`,
        ratio: fmtRatio(percentile(fromSent, 50), percentile(puts, 50)),
        target: "—",
      },
    ];
  } finally {
    cp.destroy();
    s3.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
