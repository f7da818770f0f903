import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import Fastify from "fastify";
import type { AddressInfo } from "node:net";
import { createLogger, loadServerConfig } from "../src/core/index.js";
import { startServer } from "../src/http/server.js";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";

async function timeCalls(client: SSMClient, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await client.send(new GetParameterCommand({ Name: "/bench/param" }));
    samples.push(performance.now() - t);
  }
  return samples;
}

/**
 * A signed `ssm:GetParameter` through the whole stack (signature, validation, transaction, store)
 * against a bare Fastify route returning the same JSON, in the same process, with the same client.
 */
export async function benchApiLatency(n = 2000): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-api-"));
  const server = await startServer(loadServerConfig({ port: 0, dataDir: dir }, {}), {
    logger: createLogger({ level: "silent" }),
  });
  const credentials = {
    accessKeyId: server.credentials.accessKeyId,
    secretAccessKey: server.credentials.secretAccessKey,
  };
  const client = new SSMClient({ endpoint: server.url, region: "us-east-1", credentials });
  await client.send(new PutParameterCommand({ Name: "/bench/param", Value: "value", Type: "String" }));
  const answer = await client.send(new GetParameterCommand({ Name: "/bench/param" }));
  const body = JSON.stringify({
    Parameter: {
      ...answer.Parameter,
      LastModifiedDate: answer.Parameter!.LastModifiedDate!.getTime() / 1000,
    },
  });

  const bare = Fastify();
  // The bare route reads the body as any route must, and does nothing else.
  bare.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  bare.post("/", async (_req, reply) =>
    reply.header("content-type", "application/x-amz-json-1.1").send(body),
  );
  await bare.listen({ port: 0, host: "127.0.0.1" });
  const bareClient = new SSMClient({
    endpoint: `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`,
    region: "us-east-1",
    credentials,
  });

  await timeCalls(client, 200);
  await timeCalls(bareClient, 200);
  // Interleave in blocks so machine noise falls on both alike.
  const full: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 10; i++) {
    full.push(...(await timeCalls(client, n / 10)));
    base.push(...(await timeCalls(bareClient, n / 10)));
  }
  client.destroy();
  bareClient.destroy();
  await bare.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });

  const row = (p: number): BenchRow => ({
    name: `signed ssm:GetParameter p${p} (${n} calls)`,
    value: fmtMs(percentile(full, p)),
    baseline: `${fmtMs(percentile(base, p))} bare Fastify route`,
    ratio: fmtRatio(percentile(full, p), percentile(base, p)),
    target: p === 50 ? "< 2 ms and ≤ 3×" : "—",
  });
  return [row(50), row(99)];
}
