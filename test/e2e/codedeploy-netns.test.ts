/**
 * A fleet of separate test hosts on one machine: three `pipewright agent` processes, each in a
 * network namespace of its own (its own loopback; the server reached through a forwarded port),
 * each with its app on the same port 8080 of its own host. The deployment group's load balancer
 * reaches them through the host ports their `pipewright:app` tags name. Needs root and pasta (the
 * test command installs it); skipped elsewhere.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
} from "@aws-sdk/client-codedeploy";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, startLoad } from "../../src/http/balancer/fixtures/targets.fixture.js";
import type { NetworkTools } from "../../src/platform/sandbox/index.js";
import { freePort } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { deployShop, type ShopFleet, startShopFleet, trafficGroup } from "./codedeploy-support.js";

const TOOLS: NetworkTools = {
  pasta: "/usr/bin/pasta",
  unshare: "/usr/bin/unshare",
  setpriv: "/usr/bin/setpriv",
  nsenter: "/usr/bin/nsenter",
};
const possible = process.getuid?.() === 0 && Object.values(TOOLS).every((tool) => existsSync(tool));

describe.runIf(possible)("CodeDeploy to agents in network namespaces of their own", () => {
  let server: TestServer;
  let cd: CodeDeployClient;
  let s3: S3Client;
  let work: string;
  let fleet: ShopFleet | undefined;

  beforeAll(async () => {
    server = await startTestServer({ server: { codedeployTimeouts: { pollHoldMs: 2000 } } });
    cd = new CodeDeployClient(server.clientConfig);
    s3 = new S3Client(server.clientConfig);
    work = mkdtempSync(join(tmpdir(), "pw-netns-"));
    await s3.send(new CreateBucketCommand({ Bucket: "releases" }));
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    cd?.destroy();
    s3?.destroy();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const deploy = (version: string) => deployShop(cd, s3, { application: "hosts", group: "prod", version });

  it("deploys one host at a time behind the balancer, each app on port 8080 of its own host; no request fails", async () => {
    const balancerPort = await freePort();
    await cd.send(new CreateApplicationCommand({ applicationName: "hosts" }));
    await cd.send(new CreateDeploymentGroupCommand(trafficGroup("hosts", "prod", "host", balancerPort)));
    fleet = await startShopFleet(server, work, { prefix: "host", role: "host", count: 3, netns: TOOLS });

    const first = await deploy("v1");
    expect(first.status, JSON.stringify(first.errorInformation)).toBe("Succeeded");
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const { body } = await send(balancerPort);
      expect(body).toMatch(/^v1 host-\d\n$/);
      seen.add(body);
    }
    expect(seen.size).toBe(3);

    const load = startLoad(balancerPort, 20);
    const second = await deploy("v2");
    const report = await load.stop();
    expect(second.status, JSON.stringify(second.errorInformation)).toBe("Succeeded");
    expect(report.errors).toEqual([]);
    expect(Object.keys(report.byTarget).sort()).toEqual(["host-1", "host-2", "host-3"]);
    for (let i = 0; i < 6; i++) expect((await send(balancerPort)).body).toMatch(/^v2 host-\d\n$/);
  });
});
