import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createLogger, loadServerConfig } from "../src/core/index.js";
import { startServer } from "../src/http/server.js";
import { fmtRatio, type BenchRow } from "./stats.js";

const SIZE = 100 * 1024 * 1024;

/** Samples this process's RSS while `fn` runs and returns the peak growth over the start, in MiB. */
async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growthMiB: number; ms: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  try {
    const result = await fn();
    return { result, growthMiB: (peak - start) / 2 ** 20, ms: performance.now() - t };
  } finally {
    clearInterval(timer);
  }
}

function mibPerSecond(ms: number): number {
  return SIZE / 2 ** 20 / (ms / 1000);
}

/**
 * S3 PutObject and GetObject of a 100 MiB file through the whole stack (SDK, SigV4, streaming
 * write with hashing and fsync, metadata commit), against `cp` of the same file on the same disk.
 * The server runs in this process, so the RSS growth covers client and server together.
 */
export async function benchS3Throughput(runs = 3): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-s3-"));
  const file = path.join(dir, "payload.bin");
  writeFileSync(file, execFileSync("head", ["-c", String(SIZE), "/dev/urandom"], { maxBuffer: SIZE + 1 }));
  const server = await startServer(loadServerConfig({ port: 0, dataDir: path.join(dir, "data") }, {}), {
    logger: createLogger({ level: "silent" }),
  });
  const s3 = new S3Client({
    endpoint: server.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: {
      accessKeyId: server.credentials.accessKeyId,
      secretAccessKey: server.credentials.secretAccessKey,
    },
  });
  await s3.send(new CreateBucketCommand({ Bucket: "bench" }));

  const put: number[] = [];
  const get: number[] = [];
  const cp: number[] = [];
  let putGrowth = 0;
  let getGrowth = 0;
  for (let i = 0; i < runs; i++) {
    const p = await peakRssGrowth(() =>
      s3.send(
        new PutObjectCommand({
          Bucket: "bench",
          Key: "big.bin",
          Body: createReadStream(file),
          ContentLength: statSync(file).size,
        }),
      ),
    );
    put.push(p.ms);
    putGrowth = Math.max(putGrowth, p.growthMiB);
    const g = await peakRssGrowth(async () => {
      const out = await s3.send(new GetObjectCommand({ Bucket: "bench", Key: "big.bin" }));
      await pipeline(out.Body as Readable, createWriteStream(path.join(dir, "down.bin")));
    });
    get.push(g.ms);
    getGrowth = Math.max(getGrowth, g.growthMiB);
    const t = performance.now();
    execFileSync("cp", [file, path.join(dir, "copy.bin")]);
    execFileSync("sync", [path.join(dir, "copy.bin")]);
    cp.push(performance.now() - t);
    rmSync(path.join(dir, "copy.bin"));
  }
  s3.destroy();
  await server.close();
  rmSync(dir, { recursive: true, force: true });

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cpRate = mibPerSecond(median(cp));
  const row = (name: string, ms: number, growth: number): BenchRow => ({
    name: `${name} 100 MiB (median of ${runs}; peak RSS growth ${growth.toFixed(0)} MiB)`,
    value: `${mibPerSecond(ms).toFixed(0)} MiB/s`,
    baseline: `${cpRate.toFixed(0)} MiB/s cp + sync`,
    ratio: fmtRatio(mibPerSecond(ms), cpRate),
    target: "≥ 0.5× cp, memory flat",
  });
  return [row("S3 PutObject", median(put), putGrowth), row("S3 GetObject", median(get), getGrowth)];
}
