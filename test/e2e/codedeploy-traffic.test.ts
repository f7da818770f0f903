/**
 * Traffic through the server's load balancer while a fleet is deployed: three `pipewright agent`
 * processes, each with its own root directory and its own app port, run a small HTTP app that
 * their hooks stop and start; 20 requests/s go through the deployment group's balancer.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  ListOnPremisesInstancesCommand,
  type DeploymentInfo,
} from "@aws-sdk/client-codedeploy";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, startLoad } from "../../src/http/balancer/fixtures/targets.fixture.js";
import { spawnPipewright, type CliProcess } from "../support/cli.js";
import { freePort } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { tgzOf } from "./codedeploy-support.js";

const ROLE = "arn:aws:iam::000000000000:role/codedeploy";

/** The revision: an app answering with its version and instance, and hooks that stop, start and check it. */
function bundle(version: string): Buffer {
  const files: Record<string, string> = {
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
    // Each agent's environment says where its app listens and where its pid is kept.
    "scripts/stop.sh":
      '#!/bin/sh\nif [ -f "$PID_FILE" ]; then kill "$(cat "$PID_FILE")" 2>/dev/null; rm -f "$PID_FILE"; fi\nsleep 0.2\n',
    "scripts/start.sh": `#!/bin/sh\nnohup node "$PWD/app/server.js" > /dev/null 2>&1 < /dev/null &\necho $! > "$PID_FILE"\n`,
    "scripts/validate.sh": [
      "#!/bin/sh",
      "for i in $(seq 1 100); do",
      `  node -e 'require("node:http").get("http://127.0.0.1:"+process.env.APP_PORT, r => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' && exit 0`,
      "  sleep 0.1",
      "done",
      "echo app did not answer; exit 1",
      "",
    ].join("\n"),
  };
  return tgzOf(files);
}

describe("CodeDeploy traffic control through the built-in load balancer", () => {
  let server: TestServer;
  let cd: CodeDeployClient;
  let s3: S3Client;
  let work: string;
  const agents: CliProcess[] = [];
  const pidFiles: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    cd = new CodeDeployClient(server.clientConfig);
    s3 = new S3Client(server.clientConfig);
    work = mkdtempSync(join(tmpdir(), "pw-traffic-"));
    await s3.send(new CreateBucketCommand({ Bucket: "releases" }));
  }, 60_000);

  afterAll(async () => {
    for (const agent of agents) agent.child.kill("SIGTERM");
    await Promise.all(agents.map((a) => a.exited));
    for (const file of pidFiles) {
      try {
        process.kill(Number(readFileSync(file, "utf8")), "SIGTERM");
      } catch {
        // Not running.
      }
    }
    cd?.destroy();
    s3?.destroy();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function deploy(group: string, version: string): Promise<DeploymentInfo> {
    const key = `web-${version}.tgz`;
    await s3.send(new PutObjectCommand({ Bucket: "releases", Key: key, Body: bundle(version) }));
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        applicationName: "shop",
        deploymentGroupName: group,
        revision: { revisionType: "S3", s3Location: { bucket: "releases", key, bundleType: "tgz" } },
      }),
    );
    let info: DeploymentInfo | undefined;
    await expect
      .poll(
        async () => {
          info = (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
          return info?.completeTime !== undefined;
        },
        { timeout: 90_000, interval: 200 },
      )
      .toBe(true);
    return info!;
  }

  it("deploys one instance at a time behind the balancer: 20 requests/s, none failed", async () => {
    const balancerPort = await freePort();
    await cd.send(new CreateApplicationCommand({ applicationName: "shop" }));
    await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: "shop",
        deploymentGroupName: "prod",
        serviceRoleArn: ROLE,
        deploymentConfigName: "CodeDeployDefault.OneAtATime",
        deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        loadBalancerInfo: { targetGroupInfoList: [{ name: "shop-web" }] },
        onPremisesInstanceTagFilters: [{ Key: "role", Value: "shop", Type: "KEY_AND_VALUE" }],
        tags: [{ Key: "pipewright:balancer-port", Value: String(balancerPort) }],
      }),
    );
    for (let i = 1; i <= 3; i++) {
      const appPort = await freePort();
      const root = join(work, `host-${i}`);
      mkdirSync(root);
      const pidFile = join(work, `app-${i}.pid`);
      pidFiles.push(pidFile);
      agents.push(
        spawnPipewright(
          [
            "agent",
            "--endpoint",
            server.url,
            "--name",
            `shop-${i}`,
            "--tags",
            `role=shop,pipewright:app=127.0.0.1:${appPort}`,
            "--root",
            root,
          ],
          {
            AWS_ACCESS_KEY_ID: server.clientConfig.credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: server.clientConfig.credentials.secretAccessKey,
            AWS_REGION: server.clientConfig.region,
            APP_PORT: String(appPort),
            INSTANCE: `shop-${i}`,
            PID_FILE: pidFile,
          },
        ),
      );
    }
    await expect
      .poll(
        async () =>
          (
            await cd.send(
              new ListOnPremisesInstancesCommand({
                tagFilters: [{ Key: "role", Value: "shop", Type: "KEY_AND_VALUE" }],
              }),
            )
          ).instanceNames?.length,
        { timeout: 30_000 },
      )
      .toBe(3);

    const first = await deploy("prod", "v1");
    expect(first.status, JSON.stringify(first.errorInformation)).toBe("Succeeded");
    expect((await send(balancerPort)).body).toMatch(/^v1 shop-\d\n$/);

    const load = startLoad(balancerPort, 20);
    const second = await deploy("prod", "v2");
    const report = await load.stop();
    expect(second.status, JSON.stringify(second.errorInformation)).toBe("Succeeded");
    expect(report.errors).toEqual([]);
    expect(report.sent).toBeGreaterThan(20);
    expect(Object.keys(report.byTarget).sort()).toEqual(["shop-1", "shop-2", "shop-3"]);
    const after = await Promise.all([1, 2, 3, 4, 5, 6].map(() => send(balancerPort)));
    for (const response of after) expect(response.body).toMatch(/^v2 shop-\d\n$/);
  });
});
