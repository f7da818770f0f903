import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../core/index.js";
import { createProcessSandbox } from "../platform/sandbox/index.js";
import { createAlarmChecks } from "./deployment-alarms.js";

const logger = createLogger({ level: "silent" });

describe("alarm checks", () => {
  let server: Server;
  let base = "";

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === "/hang") return; // never answers
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "http://169.254.169.254/" });
        res.end();
        return;
      }
      res.statusCode = req.url === "/teapot" ? 418 : 200;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const checks = createAlarmChecks({ hiddenPaths: [], timeoutMs: 300, logger });

  it("reads a URL as healthy on 2xx or on the status it expects, and in ALARM otherwise", async () => {
    expect(await checks.check({ kind: "http", url: `${base}/ok` })).toEqual({ state: "OK" });
    expect(await checks.check({ kind: "http", url: `${base}/teapot`, expectedStatus: 418 })).toEqual({
      state: "OK",
    });
    expect(await checks.check({ kind: "http", url: `${base}/teapot` })).toEqual({
      state: "ALARM",
      reason: `GET ${base}/teapot answered 418, expected 2xx`,
    });
  });

  it("does not follow a redirect", async () => {
    expect(await checks.check({ kind: "http", url: `${base}/redirect` })).toEqual({
      state: "ALARM",
      reason: `GET ${base}/redirect answered 302, expected 2xx`,
    });
  });

  it("is in ALARM when nothing answers in time or the connection is refused", async () => {
    expect(await checks.check({ kind: "http", url: `${base}/hang` })).toEqual({
      state: "ALARM",
      reason: `GET ${base}/hang did not answer within 0.3 s (expected 2xx)`,
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await checks.check({ kind: "http", url: `http://127.0.0.1:${port}/` });
    expect(refused).toMatchObject({ state: "ALARM" });
    expect(refused.state === "ALARM" && refused.reason).toContain("ECONNREFUSED");
  });

  it("never connects to an address the rules refuse, whatever it was given", async () => {
    expect(await checks.check({ kind: "http", url: "http://169.254.169.254/latest/" })).toMatchObject({
      state: "UNKNOWN",
      reason: expect.stringContaining("a link-local address") as string,
    });
  });

  it("cannot read a command: alarm without a sandbox", async () => {
    expect(await checks.check({ kind: "command", command: "true" })).toMatchObject({ state: "UNKNOWN" });
  });

  it("runs a command, in ALARM when it fails or outlives the timeout, quoting its output", async () => {
    const sandbox = createProcessSandbox({ reason: "test" });
    const sandboxed = createAlarmChecks({
      sandbox: () => Promise.resolve(sandbox),
      hiddenPaths: [],
      timeoutMs: 500,
      logger,
    });
    expect(await sandboxed.check({ kind: "command", command: "exit 0" })).toEqual({ state: "OK" });
    expect(await sandboxed.check({ kind: "command", command: "echo disk full; exit 2" })).toEqual({
      state: "ALARM",
      reason: 'command "echo disk full; exit 2" exited with 2; its output ends: disk full',
    });
    expect(await sandboxed.check({ kind: "command", command: "echo waiting; sleep 30" })).toMatchObject({
      state: "ALARM",
      reason: expect.stringContaining("did not finish within 0.5 s; its output ends: waiting") as string,
    });
    await sandbox.close();
  });
});
