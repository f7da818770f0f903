/**
 * The agent's loop against a small HTTP server written here, which stands in for the server's
 * CodeDeploy command service (not written yet): it speaks the same wire protocol — JSON 1.1 with
 * X-Amz-Target, STS's Query GetCallerIdentity and S3 GetObject — but does not check signatures.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isRunning } from "../platform/sandbox/index.js";
import { runAgent, SpecCache, type AgentOptions } from "./agent.js";
import type { DeploymentSpec } from "./deployment-spec.js";

const EVENTS = [
  "ApplicationStop",
  "DownloadBundle",
  "BeforeInstall",
  "Install",
  "AfterInstall",
  "ApplicationStart",
  "ValidateService",
];

interface Call {
  target: string;
  body: Record<string, unknown>;
}

/** The stand-in command service: hands out `queue`'s commands, records every call. */
class FakeCommandService {
  readonly calls: Call[] = [];
  queue: Array<{ CommandName: string; HostCommandIdentifier: string }> = [];
  /** Answers per target, consumed first (status + body); then the defaults below. */
  scripted = new Map<string, Array<{ status: number; body: object }>>();
  ackStatus = "InProgress";
  updateStatus = "InProgress";
  bundle: Buffer = Buffer.alloc(0);
  spec: object = {};
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  targets(prefix = ""): string[] {
    return this.calls.map((c) => c.target).filter((t) => t.startsWith(prefix));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (req.method === "GET") {
      this.calls.push({ target: `GET ${req.url}`, body: {} });
      res.end(this.bundle);
      return;
    }
    if (text.startsWith("Action=GetCallerIdentity")) {
      this.calls.push({ target: "GetCallerIdentity", body: {} });
      res.setHeader("content-type", "text/xml");
      res.end(
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
      );
      return;
    }
    const target = String(req.headers["x-amz-target"]).split(".")[1] ?? "";
    const body = JSON.parse(text) as Record<string, unknown>;
    this.calls.push({ target, body });
    const scripted = this.scripted.get(target)?.shift();
    const reply = (status: number, out: object) => {
      res.statusCode = status;
      res.setHeader("content-type", "application/x-amz-json-1.1");
      res.end(JSON.stringify(out));
    };
    if (scripted) return reply(scripted.status, scripted.body);
    switch (target) {
      case "PollHostCommand": {
        const next = this.queue.shift();
        if (next === undefined) {
          // A short hold stands in for the server's ~20 s long poll.
          await new Promise((r) => setTimeout(r, 50));
          return reply(200, {});
        }
        return reply(200, {
          HostCommand: {
            ...next,
            HostIdentifier: body.HostIdentifier,
            DeploymentExecutionId: "exec-1",
            Nonce: 1,
          },
        });
      }
      case "GetDeploymentSpecification":
        return reply(200, {
          DeploymentSystem: "CodeDeploy",
          DeploymentSpecification: {
            GenericEnvelope: { Format: "TEXT/JSON", Payload: JSON.stringify(this.spec) },
          },
        });
      case "PutHostCommandAcknowledgement":
        return reply(200, { CommandStatus: this.ackStatus });
      case "PostHostCommandUpdate":
        return reply(200, { CommandStatus: this.updateStatus });
      default:
        return reply(200, {});
    }
  }
}

describe("runAgent", () => {
  let dir: string;
  let service: FakeCommandService;
  let endpoint: string;
  const lines: string[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "pw-agent-"));
    mkdirSync(join(dir, "root"));
    service = new FakeCommandService();
    endpoint = await service.start();
    lines.length = 0;
  });
  afterEach(async () => {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A zip revision whose hooks are `scripts` (event → shell body). */
  const revision = (scripts: Record<string, string>): Buffer => {
    const src = join(dir, "src");
    mkdirSync(join(src, "scripts"), { recursive: true });
    let hooks = "";
    for (const [event, body] of Object.entries(scripts)) {
      writeFileSync(join(src, "scripts", `${event}.sh`), `#!/bin/sh\n${body}\n`);
      chmodSync(join(src, "scripts", `${event}.sh`), 0o755);
      hooks += `  ${event}:\n    - location: scripts/${event}.sh\n`;
    }
    writeFileSync(join(src, "index.html"), "hello");
    writeFileSync(
      join(src, "appspec.yml"),
      `version: 0.0\nos: linux\nfiles:\n  - source: index.html\n    destination: /srv/app\nhooks:\n${hooks}`,
    );
    execFileSync("zip", ["-qr", join(dir, "bundle.zip"), "."], { cwd: src });
    return readFileSync(join(dir, "bundle.zip"));
  };
  const deploymentSpec = (events = EVENTS) => ({
    DeploymentId: "d-ABC",
    DeploymentGroupId: "group-1",
    DeploymentGroupName: "web",
    ApplicationName: "shop",
    DeploymentCreator: "user",
    DeploymentType: "IN_PLACE",
    Revision: { RevisionType: "S3", S3Revision: { Bucket: "rev", Key: "app/bundle.zip", BundleType: "zip" } },
    AllPossibleLifecycleEvents: events,
  });
  const options = (extra: Partial<AgentOptions> = {}): AgentOptions => ({
    endpoint,
    key: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", region: "us-east-1" },
    name: "web-1",
    tags: [{ Key: "env", Value: "test" }],
    root: join(dir, "root"),
    once: true,
    log: (line) => lines.push(line),
    heartbeatMs: 100,
    killGraceSeconds: 1,
    api: { backoffBaseMs: 10, backoffMaxMs: 50, pollTimeoutMs: 2000, requestTimeoutMs: 2000 },
    ...extra,
  });
  const commands = (names: string[]) =>
    names.map((CommandName, i) => ({ CommandName, HostCommandIdentifier: `hc-${i}` }));
  const completes = () =>
    service.calls
      .filter((c) => c.target === "PutHostCommandComplete")
      .map((c) => ({
        id: c.body.HostCommandIdentifier,
        status: c.body.CommandStatus,
        payload: JSON.parse((c.body.Diagnostics as { Payload: string }).Payload) as object,
      }));

  it("registers, runs a deployment's commands in order and exits after its last event (--once)", async () => {
    service.bundle = revision({ AfterInstall: 'echo "$DEPLOYMENT_ID" > "$PIPEWRIGHT_AGENT_ROOT/after"' });
    service.spec = deploymentSpec();
    service.queue = commands(EVENTS);
    // Registered by an earlier run: the agent carries on.
    service.scripted.set("RegisterOnPremisesInstance", [
      { status: 400, body: { __type: "InstanceNameAlreadyRegisteredException", message: "taken" } },
    ]);
    const result = await runAgent(options());
    expect(result.failed).toBe(false);
    expect(result.hostIdentifier).toBe("arn:aws:sts::123456789012:assumed-role/CodeDeployAgent/web-1");
    expect(result.completed.map((c) => c.commandName)).toEqual(EVENTS);
    expect(service.calls.find((c) => c.target === "RegisterOnPremisesInstance")?.body).toEqual({
      instanceName: "web-1",
      iamSessionArn: result.hostIdentifier,
    });
    expect(service.calls.find((c) => c.target === "AddTagsToOnPremisesInstances")?.body).toEqual({
      tags: [{ Key: "env", Value: "test" }],
      instanceNames: ["web-1"],
    });
    expect(service.targets("GET ")).toEqual(["GET /rev/app/bundle.zip"]);
    const acks = service.calls
      .filter((c) => c.target === "PutHostCommandAcknowledgement")
      .map(
        (c) => JSON.parse((c.body.Diagnostics as { Payload: string }).Payload) as { IsCommandNoop: boolean },
      );
    // Only DownloadBundle, Install and AfterInstall have work here.
    expect(acks.map((a) => a.IsCommandNoop)).toEqual([true, false, true, false, false, true, true]);
    expect(completes().every((c) => c.status === "Succeeded")).toBe(true);
    expect(readFileSync(join(dir, "root/after"), "utf8").trim()).toBe("d-ABC");
    expect(readFileSync(join(dir, "root/srv/app/index.html"), "utf8")).toBe("hello");
    // Nothing is polled after the last event with --once.
    expect(service.targets("PollHostCommand")).toHaveLength(EVENTS.length);
    // The specification is fetched once per deployment; every command is still acknowledged.
    expect(service.targets("GetDeploymentSpecification")).toHaveLength(1);
    expect(service.targets("PutHostCommandAcknowledgement")).toHaveLength(EVENTS.length);
    expect(lines.some((l) => l.includes("exiting (--once)"))).toBe(true);
  });

  it("reports a failed script with AWS's diagnostics and exits (--once)", async () => {
    service.bundle = revision({ BeforeInstall: "echo broken >&2; exit 2" });
    service.spec = deploymentSpec();
    service.queue = commands(EVENTS);
    const result = await runAgent(options());
    expect(result.failed).toBe(true);
    expect(completes().at(-1)).toEqual({
      id: "hc-2",
      status: "Failed",
      payload: {
        error_code: 4,
        script_name: "scripts/BeforeInstall.sh",
        message: "Script at specified location: scripts/BeforeInstall.sh exited with code 2",
        log: "broken\n",
      },
    });
    expect(service.targets("PutHostCommandComplete")).toHaveLength(3);
  });

  it("sends heartbeats and kills the scripts when the server answers Failed (deployment stopped)", async () => {
    service.bundle = revision({ ApplicationStart: `echo $$ > "$PIPEWRIGHT_AGENT_ROOT/pid"; sleep 300` });
    service.spec = deploymentSpec(["DownloadBundle", "Install", "ApplicationStart"]);
    service.queue = commands(["DownloadBundle", "Install", "ApplicationStart"]);
    service.scripted.set("PostHostCommandUpdate", [
      { status: 200, body: { CommandStatus: "InProgress" } },
      { status: 200, body: { CommandStatus: "InProgress" } },
    ]);
    setTimeout(() => (service.updateStatus = "Failed"), 1500);
    const result = await runAgent(options());
    expect(result.failed).toBe(true);
    expect(service.targets("PostHostCommandUpdate").length).toBeGreaterThanOrEqual(3);
    expect(completes().at(-1)).toMatchObject({ id: "hc-2", status: "Failed", payload: { error_code: 5 } });
    const pid = Number(readFileSync(join(dir, "root/pid"), "utf8"));
    expect(isRunning(pid)).toBe(false);
  });

  it("retries polls and calls that fail with 5xx or throttling, with backoff", async () => {
    service.bundle = revision({});
    service.spec = deploymentSpec(["DownloadBundle"]);
    service.queue = commands(["DownloadBundle"]);
    service.scripted.set("PollHostCommand", [
      { status: 500, body: { __type: "InternalFailure", message: "boom" } },
      { status: 503, body: { __type: "ServiceUnavailable", message: "later" } },
    ]);
    service.scripted.set("GetDeploymentSpecification", [
      { status: 400, body: { __type: "ThrottlingException", message: "slow down" } },
    ]);
    const result = await runAgent(options());
    expect(result.failed).toBe(false);
    expect(service.targets("PollHostCommand")).toHaveLength(3);
    expect(service.targets("GetDeploymentSpecification")).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith("poll failed"))).toHaveLength(2);
  });

  it("does not run a command the acknowledgement says is settled", async () => {
    service.bundle = revision({});
    service.spec = deploymentSpec(["DownloadBundle"]);
    service.queue = commands(["DownloadBundle"]);
    service.ackStatus = "Succeeded";
    await runAgent(options());
    expect(service.targets("GET ")).toEqual([]);
    expect(service.targets("PutHostCommandComplete")).toEqual([]);
  });

  it("stops cleanly on its stop signal while polling", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const result = await runAgent(options({ once: false, signal: stop.signal }));
    expect(result.completed).toEqual([]);
    expect(lines.at(-1)).toBe("agent stopped");
  });
});

describe("SpecCache", () => {
  const spec = (id: string) => ({ DeploymentId: id }) as DeploymentSpec;

  it("fetches a deployment execution's specification once and keeps the most recent few", async () => {
    const cache = new SpecCache(2);
    const fetched: string[] = [];
    const get = (id: string) =>
      cache.get(id, async () => {
        fetched.push(id);
        return spec(id);
      });
    expect((await get("e1")).DeploymentId).toBe("e1");
    await get("e1");
    await get("e2");
    await get("e1"); // e1 is now the most recent: e2 goes first
    await get("e3");
    await get("e1");
    await get("e2");
    expect(fetched).toEqual(["e1", "e2", "e3", "e2"]);
  });

  it("keeps no failed fetch", async () => {
    const cache = new SpecCache();
    await expect(
      cache.get("e1", async () => {
        throw new Error("throttled");
      }),
    ).rejects.toThrow("throttled");
    expect((await cache.get("e1", async () => spec("e1"))).DeploymentId).toBe("e1");
  });
});
