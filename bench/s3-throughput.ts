import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { fmtRatio, type BenchRow } from "./stats.js";
import { startServerProcess, type ServerProcess } from "./server-process.js";

const SIZE = 100 * 1024 * 1024;

/** A SigV4-signed request (UNSIGNED-PAYLOAD, as S3 clients send over a trusted link) streaming `body`. */
async function s3Request(
  server: ServerProcess,
  method: "PUT" | "GET",
  key: string,
  body?: { file: string },
  sink?: string,
): Promise<void> {
  const url = new URL(server.url);
  const headers: Record<string, string> = { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" };
  if (body) headers["content-length"] = String(statSync(body.file).size);
  const signed = await new SignatureV4({
    credentials: server.credentials,
    region: "us-east-1",
    service: "s3",
    sha256: Sha256,
    uriEscapePath: false,
  }).sign(
    new HttpRequest({
      method,
      hostname: url.hostname,
      port: Number(url.port),
      path: `/bench/${key}`,
      headers,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: signed.path, headers: signed.headers },
      (res) => {
        if ((res.statusCode ?? 500) >= 300) {
          reject(new Error(`${method} ${key}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        const done = sink ? pipeline(res, createWriteStream(sink)) : (res.resume(), Promise.resolve());
        res.on("end", () => undefined);
        void done.then(() => resolve(), reject);
      },
    );
    req.on("error", reject);
    if (body) createReadStream(body.file).pipe(req);
    else req.end();
  });
}

/** Runs `fn` while sampling the server's RSS; returns elapsed ms and the peak growth in MiB. */
async function measure(
  server: ServerProcess,
  fn: () => Promise<void>,
): Promise<{ ms: number; growthMiB: number }> {
  const start = server.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, server.rss())), 10);
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  clearInterval(timer);
  return { ms, growthMiB: (peak - start) / 2 ** 20 };
}

const mibps = (ms: number) => SIZE / 2 ** 20 / (ms / 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * PutObject and GetObject of a 100 MiB file against the built server in its own process (streamed
 * write with MD5 and fsync, then the metadata commit), beside `cp` + `sync` of the same file on the
 * same disk. Memory is the server process's peak RSS growth during the transfer.
 */
export async function benchS3Throughput(runs = 3): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-s3-"));
  const file = path.join(dir, "payload.bin");
  writeFileSync(file, execFileSync("head", ["-c", String(SIZE), "/dev/urandom"], { maxBuffer: SIZE + 1 }));
  const server = await startServerProcess(path.join(dir, "data"));
  try {
    const url = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      void new SignatureV4({
        credentials: server.credentials,
        region: "us-east-1",
        service: "s3",
        sha256: Sha256,
      })
        .sign(
          new HttpRequest({
            method: "PUT",
            hostname: url.hostname,
            port: Number(url.port),
            path: "/bench",
            headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
          }),
        )
        .then((s) => {
          http
            .request(
              { host: url.hostname, port: url.port, method: "PUT", path: "/bench", headers: s.headers },
              (res) => {
                res.resume();
                res.on("end", resolve);
              },
            )
            .on("error", reject)
            .end();
        });
    });
    const put: number[] = [];
    const get: number[] = [];
    const cp: number[] = [];
    let putGrowth = 0;
    let getGrowth = 0;
    for (let i = 0; i < runs; i++) {
      const p = await measure(server, () => s3Request(server, "PUT", "big.bin", { file }));
      put.push(p.ms);
      putGrowth = Math.max(putGrowth, p.growthMiB);
      const g = await measure(server, () =>
        s3Request(server, "GET", "big.bin", undefined, path.join(dir, "down.bin")),
      );
      get.push(g.ms);
      getGrowth = Math.max(getGrowth, g.growthMiB);
      const t = performance.now();
      execFileSync("cp", [file, path.join(dir, "copy.bin")]);
      execFileSync("sync", [path.join(dir, "copy.bin")]);
      cp.push(performance.now() - t);
      rmSync(path.join(dir, "copy.bin"));
    }
    const cpRate = mibps(median(cp));
    const row = (name: string, ms: number, growth: number): BenchRow => ({
      name: `${name} 100 MiB (median of ${runs}; server peak RSS growth ${growth.toFixed(0)} MiB)`,
      value: `${mibps(ms).toFixed(0)} MiB/s`,
      baseline: `${cpRate.toFixed(0)} MiB/s cp + sync`,
      ratio: fmtRatio(mibps(ms), cpRate),
      target: "≥ 0.5× cp, memory flat",
    });
    return [row("S3 PutObject", median(put), putGrowth), row("S3 GetObject", median(get), getGrowth)];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
