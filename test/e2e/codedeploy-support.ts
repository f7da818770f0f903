import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, gzipSync } from "node:zlib";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  ListOnPremisesInstancesCommand,
  type CreateDeploymentGroupCommandInput,
  type DeploymentInfo,
} from "@aws-sdk/client-codedeploy";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect, vi } from "vitest";
import { runAgent, type AgentOptions, type AgentResult } from "../../src/agent/index.js";
import { NetworkNamespaces, type NetworkTools } from "../../src/platform/sandbox/index.js";
import type { DeploymentTimeouts } from "../../src/services/codedeploy/index.js";
import { spawnPipewright, type CliProcess } from "../support/cli.js";
import { freePort } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";

/** A gzipped tar bundle of `files` (path → content; `.sh` files are made executable), as `tar -C dir .` writes it. */
export function tgzOf(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "pw-bundle-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), content);
      if (path.endsWith(".sh")) chmodSync(join(dir, path), 0o755);
    }
    return execFileSync("tar", ["-czf", "-", "-C", dir, "."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A revision of a small web app: it answers with its version and instance; its hooks stop it,
 * start it and check that it answers (`validateExit` other than 0 makes ValidateService fail).
 * Each agent's environment says where its app listens (APP_PORT) and keeps its pid (PID_FILE).
 */
export function shopFiles(version: string, options: { validateExit?: number } = {}): Record<string, string> {
  const validateExit = options.validateExit ?? 0;
  return {
    "appspec.yml": [
      "version: 0.0",
      "os: linux",
      "hooks:",
      "  ApplicationStop:",
      "    - location: scripts/stop.sh",
      "  ApplicationStart:",
      "    - location: scripts/start.sh",
      "  ValidateService:",
      "    - location: scripts/validate.sh",
      "      timeout: 20",
      "",
    ].join("\n"),
    "app/server.js": [
      'const http = require("node:http");',
      "http.createServer((req, res) => {",
      "  req.resume();",
      '  req.on("end", () => {',
      `    res.setHeader("x-target", process.env.INSTANCE);`,
      `    res.end("${version} " + process.env.INSTANCE + "\\n");`,
      "  });",
      '}).listen(Number(process.env.APP_PORT), "127.0.0.1");',
      "",
    ].join("\n"),
    "scripts/stop.sh":
      '#!/bin/sh\nif [ -f "$PID_FILE" ]; then kill "$(cat "$PID_FILE")" 2>/dev/null; rm -f "$PID_FILE"; fi\nsleep 0.2\n',
    "scripts/start.sh": `#!/bin/sh\nnohup node "$PWD/app/server.js" > /dev/null 2>&1 < /dev/null &\necho $! > "$PID_FILE"\n`,
    "scripts/validate.sh": [
      "#!/bin/sh",
      ...(validateExit !== 0 ? [`echo "version ${version} is broken"`, `exit ${validateExit}`] : []),
      "for i in $(seq 1 100); do",
      `  node -e 'require("node:http").get("http://127.0.0.1:"+process.env.APP_PORT, r => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' && exit 0`,
      "  sleep 0.1",
      "done",
      "echo app did not answer; exit 1",
      "",
    ].join("\n"),
  };
}

/** Where a shop app listens inside a network namespace of its own (the same port on every host). */
const NETNS_APP_PORT = 8080;

/** `pipewright agent` processes serving shopFiles' app, each with its own root, app port and pid file. */
export interface ShopFleet {
  names: string[];
  /** Stops the agents and the apps their hooks started. */
  stop(): Promise<void>;
}

/**
 * Starts `count` agents named `<prefix>-1…` with tags `role=<role>` and their app address, against
 * `server`, and waits until all are registered.
 */
export async function startShopFleet(
  server: TestServer,
  work: string,
  options: {
    prefix: string;
    role: string;
    count: number;
    /**
     * Each agent in a network namespace of its own, a test host whose loopback is its own: it
     * reaches the server at its own 127.0.0.1, and its app listens on 8080 there, which the
     * host's port in its `pipewright:app` tag forwards to.
     */
    netns?: NetworkTools;
  },
): Promise<ShopFleet> {
  const namespaces: NetworkNamespaces[] = [];
  const agents: CliProcess[] = [];
  const pidFiles: string[] = [];
  const names: string[] = [];
  for (let i = 1; i <= options.count; i++) {
    const name = `${options.prefix}-${i}`;
    const appPort = await freePort();
    const root = join(work, name);
    mkdirSync(root);
    const pidFile = join(work, `${name}.pid`);
    pidFiles.push(pidFile);
    names.push(name);
    let launcher: string[] | undefined;
    if (options.netns) {
      const serverPort = new URL(server.url).port;
      const nets = new NetworkNamespaces({
        tools: options.netns,
        forwardPorts: [Number(serverPort)],
        inboundPorts: [`${appPort}:${NETNS_APP_PORT}`],
      });
      namespaces.push(nets);
      launcher = [options.netns.nsenter, `--net=${(await nets.take()).path}`, "--"];
    }
    const args = ["agent", "--endpoint", server.url, "--name", name, "--root", root];
    agents.push(
      spawnPipewright(
        [...args, "--tags", `role=${options.role},pipewright:app=127.0.0.1:${appPort}`],
        {
          AWS_ACCESS_KEY_ID: server.clientConfig.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: server.clientConfig.credentials.secretAccessKey,
          AWS_REGION: server.clientConfig.region,
          APP_PORT: String(options.netns ? NETNS_APP_PORT : appPort),
          INSTANCE: name,
          PID_FILE: pidFile,
        },
        launcher ? { launcher } : {},
      ),
    );
  }
  const cd = new CodeDeployClient(server.clientConfig);
  try {
    // Not expect.poll: fleets start in beforeAll hooks too.
    await vi.waitFor(
      async () => {
        const { instanceNames } = await cd.send(
          new ListOnPremisesInstancesCommand({
            tagFilters: [{ Key: "role", Value: options.role, Type: "KEY_AND_VALUE" }],
          }),
        );
        if (instanceNames?.length !== options.count) {
          throw new Error(`${instanceNames?.length ?? 0} of ${options.count} agents registered`);
        }
      },
      { timeout: 30_000, interval: 100 },
    );
  } finally {
    cd.destroy();
  }
  return {
    names,
    async stop() {
      for (const agent of agents) agent.child.kill("SIGTERM");
      await Promise.all(agents.map((a) => a.exited));
      for (const file of pidFiles) {
        try {
          process.kill(Number(readFileSync(file, "utf8")), "SIGTERM");
        } catch {
          // Not running.
        }
      }
      // Ends each namespace, and with it anything still listening inside.
      await Promise.all(namespaces.map((n) => n.close()));
    },
  };
}

/** One entry of a hand-made archive: a file (executable when `mode` says so), a symbolic link or (tar only) a hard link. */
export type RawEntry =
  | { name: string; content: string; mode?: number }
  | { name: string; symlink: string }
  | { name: string; hardlink: string };

/**
 * A gzipped tar of `entries` exactly as named — `..`, absolute paths and links included — as a
 * malicious bundle would carry them (the `tar` tool would sanitise them).
 */
export async function rawTgzOf(entries: RawEntry[]): Promise<Buffer> {
  const { pack } = await import("tar-stream");
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => tar.on("end", resolve).on("error", reject));
  for (const entry of entries) {
    if ("symlink" in entry) tar.entry({ name: entry.name, type: "symlink", linkname: entry.symlink });
    else if ("hardlink" in entry) tar.entry({ name: entry.name, type: "link", linkname: entry.hardlink });
    else tar.entry({ name: entry.name, mode: entry.mode ?? 0o644 }, entry.content);
  }
  tar.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

/**
 * A zip of `entries` (stored, not compressed) exactly as named, written by hand: zip writers refuse
 * `..` and absolute names. Links carry Unix mode S_IFLNK and their target as content, as
 * `zip --symlinks` writes them.
 */
export function rawZipOf(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if ("hardlink" in entry) throw new Error("a zip has no hard links");
    const name = Buffer.from(entry.name);
    const data = Buffer.from("symlink" in entry ? entry.symlink : entry.content);
    const mode = "symlink" in entry ? 0o120777 : 0o100000 | (entry.mode ?? 0o644);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode is read
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A TCP relay to the server at `url`, for an agent whose network goes away: after `cut()` its
 * connections are dropped and new ones refused.
 */
export async function startRelay(url: string): Promise<{ url: string; cut(): Promise<void> }> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const { port } = relay.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async cut() {
      const closed = new Promise<void>((resolve) => relay.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** The service role every test deployment group names. */
export const ROLE = "arn:aws:iam::000000000000:role/codedeploy";

/** One `runAgent` loop of a fleet, with its own root directory and log. */
export interface FleetAgent {
  name: string;
  root: string;
  done: Promise<AgentResult>;
  log: string[];
}

/** A server with an S3 bucket `bundles` and a CodeDeploy application `web`, and fleets of agents. */
export interface DeployHarness {
  server: TestServer;
  cd: CodeDeployClient;
  s3: S3Client;
  /**
   * A deployment group over `count` new agents tagged `fleet=<n>`, each running exactly one
   * deployment (`once`); resolves when all of them are registered with their tags. `agent`
   * overrides the agents' options (another endpoint, client timeouts).
   */
  fleetOf(
    count: number,
    group?: Partial<CreateDeploymentGroupCommandInput>,
    agent?: Partial<AgentOptions>,
  ): Promise<{ groupName: string; tag: string; agents: FleetAgent[] }>;
  /** One more agent `name` in fleet `tag` (a machine joining it later), as fleetOf starts them. */
  joinFleet(tag: string, name: string, agent?: Partial<AgentOptions>): FleetAgent;
  /** The deployment once it has a completeTime. */
  finished(deploymentId: string): Promise<DeploymentInfo>;
  /** Uploads a tgz of `files` to `bundles/<key>`; returns the S3 revision. */
  upload(key: string, files: Record<string, string>): Promise<S3Revision>;
  /** Uploads `body` as it is to `bundles/<key>`; returns the S3 revision of `bundleType`. */
  uploadBytes(key: string, body: Buffer, bundleType: "zip" | "tar" | "tgz"): Promise<S3Revision>;
  /** Ends the agents, stops the server and removes the agents' roots. */
  stop(): Promise<void>;
}

export interface S3Revision {
  revisionType: "S3";
  s3Location: { bucket: string; key: string; bundleType: "zip" | "tar" | "tgz" };
}

/**
 * Starts a server for deployments through real agents. Long polls answer within 2 s and an agent
 * that stops reporting fails its instance in 5 s unless `timeouts` says otherwise.
 */
export async function startDeployHarness(timeouts: Partial<DeploymentTimeouts> = {}): Promise<DeployHarness> {
  const server = await startTestServer({
    server: { codedeployTimeouts: { pollHoldMs: 2000, agentMs: 5000, ...timeouts } },
  });
  const cd = new CodeDeployClient(server.clientConfig);
  const s3 = new S3Client(server.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: "bundles" }));
  await cd.send(new CreateApplicationCommand({ applicationName: "web" }));
  const roots: string[] = [];
  /** Ends every agent still polling when the tests are done. */
  const agentsDone = new AbortController();
  let fleet = 0;

  const uploadBytes = async (key: string, body: Buffer, bundleType: "zip" | "tar" | "tgz") => {
    await s3.send(new PutObjectCommand({ Bucket: "bundles", Key: key, Body: body }));
    return { revisionType: "S3" as const, s3Location: { bucket: "bundles", key, bundleType } };
  };

  const startAgent = (tag: string, name: string, agent: Partial<AgentOptions> = {}): FleetAgent => {
    const root = mkdtempSync(join(tmpdir(), "pw-agent-"));
    roots.push(root);
    const log: string[] = [];
    const done = runAgent({
      endpoint: server.url,
      key: { ...server.clientConfig.credentials, region: server.clientConfig.region },
      name,
      tags: [{ Key: "fleet", Value: tag }],
      root,
      once: true,
      signal: agentsDone.signal,
      heartbeatMs: 500,
      log: (line) => log.push(line),
      ...agent,
    });
    return { name, root, done, log };
  };

  return {
    server,
    cd,
    s3,
    joinFleet: startAgent,
    async fleetOf(count, group = {}, agent = {}) {
      const tag = `f${++fleet}`;
      const groupName = `group-${tag}`;
      await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "web",
          deploymentGroupName: groupName,
          serviceRoleArn: ROLE,
          onPremisesInstanceTagFilters: [{ Key: "fleet", Value: tag, Type: "KEY_AND_VALUE" }],
          ...group,
        }),
      );
      const agents: FleetAgent[] = [];
      for (let i = 1; i <= count; i++) agents.push(startAgent(tag, `${tag}-host-${i}`, agent));
      // Not expect.poll: fleets start in beforeAll hooks too.
      await vi.waitFor(
        async () => {
          const { instanceNames } = await cd.send(
            new ListOnPremisesInstancesCommand({
              tagFilters: [{ Key: "fleet", Value: tag, Type: "KEY_AND_VALUE" }],
            }),
          );
          if (instanceNames?.length !== count) {
            throw new Error(`${instanceNames?.length ?? 0} of ${count} agents registered`);
          }
        },
        { timeout: 20_000, interval: 100 },
      );
      return { groupName, tag, agents };
    },
    finished: (deploymentId) => deploymentEnd(cd, deploymentId, 60_000),
    upload: (key, files) => uploadBytes(key, tgzOf(files), "tgz"),
    uploadBytes,
    async stop() {
      agentsDone.abort();
      cd.destroy();
      s3.destroy();
      await server.stop();
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The deployment once it has ended (its completeTime set), or earlier once `done` says so. */
export async function deploymentEnd(
  cd: CodeDeployClient,
  deploymentId: string,
  timeoutMs = 90_000,
  done: (info: DeploymentInfo) => boolean = () => false,
): Promise<DeploymentInfo> {
  let info: DeploymentInfo | undefined;
  await expect
    .poll(
      async () => {
        info = (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
        return info !== undefined && (done(info) || info.completeTime !== undefined);
      },
      { timeout: timeoutMs, interval: 200 },
    )
    .toBe(true);
  return info!;
}

/** Uploads shopFiles(`version`) to `releases/<application>-<version>.tgz`, deploys it to the group and waits for the end. */
export async function deployShop(
  cd: CodeDeployClient,
  s3: S3Client,
  target: { application: string; group: string; version: string },
): Promise<DeploymentInfo> {
  const key = `${target.application}-${target.version}.tgz`;
  await s3.send(
    new PutObjectCommand({ Bucket: "releases", Key: key, Body: tgzOf(shopFiles(target.version)) }),
  );
  const { deploymentId } = await cd.send(
    new CreateDeploymentCommand({
      applicationName: target.application,
      deploymentGroupName: target.group,
      revision: { revisionType: "S3", s3Location: { bucket: "releases", key, bundleType: "tgz" } },
    }),
  );
  return deploymentEnd(cd, deploymentId!);
}

/**
 * An in-place, OneAtATime deployment group with traffic control over the instances tagged
 * `role=<role>`, its load balancer on `balancerPort` of the server's host.
 */
export function trafficGroup(
  application: string,
  group: string,
  role: string,
  balancerPort: number,
  settings: Partial<CreateDeploymentGroupCommandInput> = {},
): CreateDeploymentGroupCommandInput {
  return {
    applicationName: application,
    deploymentGroupName: group,
    serviceRoleArn: "arn:aws:iam::000000000000:role/codedeploy",
    deploymentConfigName: "CodeDeployDefault.OneAtATime",
    deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITH_TRAFFIC_CONTROL" },
    loadBalancerInfo: { targetGroupInfoList: [{ name: `${application}-web` }] },
    onPremisesInstanceTagFilters: [{ Key: "role", Value: role, Type: "KEY_AND_VALUE" }],
    tags: [{ Key: "pipewright:balancer-port", Value: String(balancerPort) }],
    ...settings,
  };
}
