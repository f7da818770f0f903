import { CodeBuildClient, CreateProjectCommand, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTestPrincipal } from "../support/principals.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS } from "./codebuild-support.js";

/** Signs in to the console with an access key; returns the session cookie. */
async function signIn(server: TestServer, key: { accessKeyId: string; secretAccessKey: string }) {
  const response = await fetch(`${server.url}/_/console/session`, {
    method: "POST",
    headers: { "x-pipewright-console": "1", "content-type": "application/json" },
    body: JSON.stringify({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }),
  });
  expect(response.status).toBe(200);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

/** An open change stream: the text received so far, and a wait for a pattern in it. */
async function openStream(server: TestServer, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/_/console/changes`, {
    headers: { cookie },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const stream = { text: "", ended: false, close: () => controller.abort() };
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return void (stream.ended = true);
        stream.text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted
    }
  })();
  const waitFor = async (pattern: RegExp, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(stream.text)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in ${JSON.stringify(stream.text)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { stream, waitFor };
}

describe("changes pushed to the console", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("needs a session", async () => {
    const response = await fetch(`${server.url}/_/console/changes`);
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/sign in/);
  });

  it("pushes a build's changes as they commit, to principals who may read the build only", async () => {
    const root = await openStream(server, await signIn(server, server.credentials));
    const user = await addTestPrincipal(server, "no-builds", { allowed: false });
    const denied = await openStream(server, await signIn(server, user));
    await root.waitFor(/^event: ready\n/);
    await denied.waitFor(/^event: ready\n/);
    const codebuild = new CodeBuildClient(server.clientConfig);
    await codebuild.send(
      new CreateProjectCommand({
        name: "pushed",
        source: {
          type: "NO_SOURCE",
          buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n",
        },
        artifacts: { type: "NO_ARTIFACTS" },
        ...PROJECT_BASICS,
      }),
    );
    const started = Date.now();
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "pushed" }));
    codebuild.destroy();
    // The build's first change (it starts running) arrives as a data line naming it.
    await root.waitFor(/data: \{"service":"codebuild","project":"pushed","buildArn":"[^"]+"\}/);
    const firstChangeMs = Date.now() - started;
    expect(root.stream.text).toContain(build!.arn!);
    expect(firstChangeMs).toBeLessThan(5_000);
    // It names the resource and nothing else: no status, no log line, no variable.
    expect(root.stream.text).not.toContain("echo hi");
    await root.waitFor(/"buildArn":"[^"]+"\}\n\n[\s\S]*"buildArn"/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(denied.stream.text).not.toContain("pushed");
    root.stream.close();
    denied.stream.close();
  }, 60_000);

  it("ends the stream as its session signs out, not at the next heartbeat", async () => {
    const cookie = await signIn(server, server.credentials);
    const other = await openStream(server, await signIn(server, server.credentials));
    const { stream, waitFor } = await openStream(server, cookie);
    await waitFor(/^event: ready\n/);
    await other.waitFor(/^event: ready\n/);
    const signedOut = Date.now();
    const response = await fetch(`${server.url}/_/console/session`, {
      method: "DELETE",
      headers: { cookie, "x-pipewright-console": "1" },
    });
    expect(response.status).toBe(204);
    await expect.poll(() => stream.ended, { timeout: 5_000, interval: 20 }).toBe(true);
    expect(Date.now() - signedOut).toBeLessThan(5_000);
    // Another session of the same key keeps its stream.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(other.stream.ended).toBe(false);
    other.stream.close();
  }, 30_000);
});
