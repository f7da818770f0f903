/**
 * Traffic through the server's load balancer while a fleet is deployed: three `pipewright agent`
 * processes, each with its own root directory and its own app port, run a small HTTP app that
 * their hooks stop and start; 20 requests/s go through the deployment group's balancer.
 */
import { mkdtempSync, rmSync } from "node:fs";
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
import { freePort } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { tempDir } from "../support/stores.js";
import { deployShop, type ShopFleet, startShopFleet, trafficGroup } from "./codedeploy-support.js";

describe("CodeDeploy traffic control through the built-in load balancer", () => {
  let server: TestServer;
  let cd: CodeDeployClient;
  let s3: S3Client;
  let work: string;
  let fleet: ShopFleet | undefined;
  let balancerPort: number;
  const data = tempDir("pw-traffic-data-");

  beforeAll(async () => {
    server = await startTestServer({ config: { dataDir: data.dir } });
    cd = new CodeDeployClient(server.clientConfig);
    s3 = new S3Client(server.clientConfig);
    work = mkdtempSync(join(tmpdir(), "pw-traffic-"));
    await s3.send(new CreateBucketCommand({ Bucket: "releases" }));
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    cd?.destroy();
    s3?.destroy();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    data.remove();
  });

  const deploy = (group: string, version: string) =>
    deployShop(cd, s3, { application: "shop", group, version });

  it("deploys one instance at a time behind the balancer: 20 requests/s, none failed", async () => {
    balancerPort = await freePort();
    await cd.send(new CreateApplicationCommand({ applicationName: "shop" }));
    await cd.send(new CreateDeploymentGroupCommand(trafficGroup("shop", "prod", "shop", balancerPort)));
    fleet = await startShopFleet(server, work, { prefix: "shop", role: "shop", count: 3 });

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

  it("brings the balancer back with the same instances when the server restarts", async () => {
    cd.destroy();
    s3.destroy();
    await server.stop();
    await expect(send(balancerPort)).rejects.toThrow();
    server = await startTestServer({ config: { dataDir: data.dir } });
    cd = new CodeDeployClient(server.clientConfig);
    s3 = new S3Client(server.clientConfig);
    const seen = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const response = await send(balancerPort);
      expect(response.body).toMatch(/^v2 shop-\d\n$/);
      seen.add(response.body.trim().split(" ")[1]!);
    }
    expect([...seen].sort()).toEqual(["shop-1", "shop-2", "shop-3"]);
  });
});
