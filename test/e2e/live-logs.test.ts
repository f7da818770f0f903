import { spawn } from "node:child_process";
import path from "node:path";
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
} from "@aws-sdk/client-codebuild";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnPipewright } from "../support/cli.js";
import { signedFetch } from "../support/signed-fetch.js";
import { AWS_CLI, awsCliEnv, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import { waitForBuild } from "./codebuild-support.js";

/** One Server-Sent Event as the live log route sends it. */
interface SseEvent {
  type: string;
  id?: string;
  data: string;
}

/** Reads SSE events from `response` until it ends, calling `onEvent` for each as it arrives. */
async function readEvents(response: Response, onEvent: (e: SseEvent) => Promise<void> | void = () => {}) {
  const events: SseEvent[] = [];
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk, { stream: true });
    const blocks = buffer.split("\n\n");
    buffer = blocks.pop()!;
    for (const block of blocks) {
      if (block.startsWith(":")) continue;
      const e: SseEvent = { type: "message", data: "" };
      for (const line of block.split("\n")) {
        const [field, ...rest] = line.split(": ");
        if (field === "event") e.type = rest.join(": ");
        if (field === "id") e.id = rest.join(": ");
        if (field === "data") e.data += rest.join(": ");
      }
      events.push(e);
      await onEvent(e);
    }
  }
  return events;
}

const messages = (events: SseEvent[]) =>
  events.filter((e) => e.type === "message").map((e) => (JSON.parse(e.data) as { message: string }).message);

describe("live build logs", () => {
  let server: TestServer;
  let codebuild: CodeBuildClient;
  beforeAll(async () => {
    server = await startTestServer();
    codebuild = new CodeBuildClient(server.clientConfig);
  });
  afterAll(async () => {
    await server.stop();
  });

  async function startBuild(name: string, commands: string[]): Promise<string> {
    const buildspec = `version: 0.2\nphases:\n  build:\n    commands:\n${commands.map((c) => `      - ${JSON.stringify(c)}\n`).join("")}`;
    await codebuild.send(
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
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: name }));
    return build!.id!;
  }

  const streamPath = (id: string, query = "") =>
    `/_/codebuild/builds/${encodeURIComponent(id)}/logs/stream${query}`;

  it("streams lines while the build runs, then an end event with the status", async () => {
    const id = await startBuild("live", ["echo early-line", "sleep 2", "echo late-line"]);
    const response = await signedFetch(server, { method: "GET", path: streamPath(id), service: "codebuild" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    let statusAtEarlyLine: string | undefined;
    const events = await readEvents(response, async (e) => {
      if (e.type === "message" && e.data.includes('"early-line"')) {
        const { builds } = await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }));
        statusAtEarlyLine = builds?.[0]?.buildStatus;
      }
    });
    // The first line arrived while the build was still running: the stream is live, not a replay.
    expect(statusAtEarlyLine).toBe("IN_PROGRESS");
    const lines = messages(events);
    expect(lines).toContain("early-line");
    expect(lines.indexOf("late-line")).toBeGreaterThan(lines.indexOf("early-line"));
    const ids = events.filter((e) => e.type === "message").map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => i));
    expect(events.at(-1)).toEqual({
      type: "end",
      data: JSON.stringify({ buildStatus: "SUCCEEDED", buildComplete: true }),
    });

    // Last-Event-ID resumes after that line; a presigned URL is accepted as well as a header.
    const resumeAt = ids[2]!;
    const signer = new SignatureV4({
      credentials: server.clientConfig.credentials,
      region: server.config.region,
      service: "codebuild",
      sha256: Sha256,
    });
    const url = new URL(server.url);
    const presigned = await signer.presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: streamPath(id),
        headers: { host: url.host },
      },
      { expiresIn: 60 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const resumed = await fetch(`${server.url}${presigned.path}?${query}`, {
      headers: { "last-event-id": String(resumeAt) },
    });
    expect(resumed.status).toBe(200);
    const rest = await readEvents(resumed);
    expect(rest[0]!.id).toBe(String(resumeAt + 1));
    expect(messages(rest)).toEqual(lines.slice(resumeAt + 1));
  });

  it("refuses unsigned and wrongly signed requests, and says which builds do not exist", async () => {
    const id = await startBuild("refused", ["echo hi"]);
    const unsigned = await signedFetch(server, { method: "GET", path: streamPath(id), unsigned: true });
    expect(unsigned.status).toBe(403);
    const badKey = await signedFetch(server, {
      method: "GET",
      path: streamPath(id),
      service: "codebuild",
      credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: "wrong" },
    });
    expect(badKey.status).toBe(403);
    const missing = await signedFetch(server, {
      method: "GET",
      path: streamPath("refused:00000000-0000-0000-0000-000000000000"),
      service: "codebuild",
    });
    expect(missing.status).toBe(404);
  });

  it("pipewright logs build prints a log, and --follow streams it and exits with the build's outcome", async () => {
    const ok = await startBuild("cli-ok", ["echo cli-one", "sleep 1", "echo cli-two"]);
    const follow = spawnPipewright([
      "logs",
      "build",
      ok,
      "--follow",
      "--endpoint",
      server.url,
      "--data-dir",
      server.dataDir,
    ]);
    await follow.waitFor(/cli-one/);
    expect(await follow.exited).toBe(0);
    expect(follow.output()).toMatch(/cli-one\n(.*\n)*cli-two\n/);

    const failing = await startBuild("cli-fail", ["echo about-to-fail", "exit 4"]);
    const followFail = spawnPipewright(["logs", "build", failing, "--follow", "--endpoint", server.url], {
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    });
    expect(await followFail.exited).toBe(1);
    expect(followFail.output()).toContain("about-to-fail");

    // Without --follow: what is stored, then exit 0.
    const print = spawnPipewright([
      "logs",
      "build",
      ok,
      "--endpoint",
      server.url,
      "--data-dir",
      server.dataDir,
    ]);
    expect(await print.exited).toBe(0);
    expect(print.output()).toContain("cli-two");

    // As the AWS CLI is set up: the server's credentials file and AWS_ENDPOINT_URL, no flags.
    const likeCli = spawnPipewright(["logs", "build", ok], {
      AWS_SHARED_CREDENTIALS_FILE: path.join(server.dataDir, "credentials"),
      AWS_ENDPOINT_URL: server.url,
      HOME: "/nonexistent",
    });
    expect(await likeCli.exited, likeCli.output()).toBe(0);
    expect(likeCli.output()).toContain("cli-two");
  });

  it.skipIf(!hasAwsCli())(
    "aws logs tail --follow shows the lines of a running build",
    async () => {
      const id = await startBuild("tailed", [
        "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo tick-$i; sleep 1; done",
      ]);
      await waitForBuild(codebuild, id, (b) => b.currentPhase === "BUILD");
      const tail = spawn(
        AWS_CLI,
        [
          "--endpoint-url",
          server.url,
          "logs",
          "tail",
          "/aws/codebuild/tailed",
          "--follow",
          "--format",
          "short",
        ],
        {
          env: {
            ...awsCliEnv(server),
            // Lines as they come: into a pipe, Python writes them only when the CLI exits.
            PYTHONUNBUFFERED: "1",
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      tail.stdout.on("data", (d: Buffer) => (out += d.toString()));
      tail.stderr.on("data", (d: Buffer) => (out += d.toString()));
      try {
        // The CLI polls FilterLogEvents every 5 s from the newest timestamp it saw: a line written after
        // its first poll shows up only if those polls find it.
        const deadline = Date.now() + 25_000;
        while (!/tick-12/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      } finally {
        const exited = new Promise((resolve) => tail.once("exit", resolve));
        tail.kill("SIGINT");
        await exited;
      }
      expect(out).toMatch(/tick-1\n/);
      expect(out).toMatch(/tick-12\n/);
      // Every line once: the CLI's de-duplication by eventId works with our ids.
      expect(out.match(/tick-5\n/g)).toHaveLength(1);
    },
    40_000,
  );
});
