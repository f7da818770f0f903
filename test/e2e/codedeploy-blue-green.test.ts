/**
 * Blue/green deployments of on-premises fleets: two sets of `pipewright agent` processes, the
 * original (role=blue) behind the deployment group's load balancer and the replacement
 * (role=green) named by CreateDeployment's targetInstances. The replacement installs, waits for
 * ContinueDeployment, takes the traffic — 20 requests/s, none failed — and the original instances
 * are released.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentGroupCommand,
  ListDeploymentTargetsCommand,
  ListOnPremisesInstancesCommand,
  type DeploymentInfo,
} from "@aws-sdk/client-codedeploy";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, startLoad } from "../../src/http/balancer/fixtures/targets.fixture.js";
import { freePort } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { deploymentEnd, shopFiles, startShopFleet, tgzOf, type ShopFleet } from "./codedeploy-support.js";

const ROLE = "arn:aws:iam::000000000000:role/codedeploy";
const role = (value: string) => [{ Key: "role", Value: value, Type: "KEY_AND_VALUE" as const }];

describe("CodeDeploy blue/green deployments of on-premises fleets", () => {
  let server: TestServer;
  let cd: CodeDeployClient;
  let s3: S3Client;
  let work: string;
  let balancerPort: number;
  const fleets: ShopFleet[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    cd = new CodeDeployClient(server.clientConfig);
    s3 = new S3Client(server.clientConfig);
    work = mkdtempSync(join(tmpdir(), "pw-blue-green-"));
    await s3.send(new CreateBucketCommand({ Bucket: "releases" }));
    balancerPort = await freePort();
    await cd.send(new CreateApplicationCommand({ applicationName: "shop" }));
    await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: "shop",
        deploymentGroupName: "prod",
        serviceRoleArn: ROLE,
        deploymentConfigName: "CodeDeployDefault.AllAtOnce",
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        blueGreenDeploymentConfiguration: {
          greenFleetProvisioningOption: { action: "DISCOVER_EXISTING" },
          deploymentReadyOption: { actionOnTimeout: "STOP_DEPLOYMENT", waitTimeInMinutes: 60 },
          terminateBlueInstancesOnDeploymentSuccess: {
            action: "TERMINATE",
            terminationWaitTimeInMinutes: 60,
          },
        },
        loadBalancerInfo: { targetGroupInfoList: [{ name: "shop-web" }] },
        onPremisesInstanceTagFilters: role("blue"),
        tags: [{ Key: "pipewright:balancer-port", Value: String(balancerPort) }],
      }),
    );
    fleets.push(await startShopFleet(server, work, { prefix: "blue", role: "blue", count: 2 }));
    fleets.push(await startShopFleet(server, work, { prefix: "green", role: "green", count: 2 }));
  }, 90_000);

  afterAll(async () => {
    for (const fleet of fleets) await fleet.stop();
    cd?.destroy();
    s3?.destroy();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function deploy(version: string, replacement: string): Promise<string> {
    const key = `shop-${version}.tgz`;
    await s3.send(new PutObjectCommand({ Bucket: "releases", Key: key, Body: tgzOf(shopFiles(version)) }));
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        applicationName: "shop",
        deploymentGroupName: "prod",
        revision: { revisionType: "S3", s3Location: { bucket: "releases", key, bundleType: "tgz" } },
        targetInstances: { tagFilters: role(replacement) },
      }),
    );
    return deploymentId!;
  }

  const until = (deploymentId: string, done: (info: DeploymentInfo) => boolean) =>
    deploymentEnd(cd, deploymentId, 60_000, done);

  const bodies = async () => Promise.all([1, 2, 3, 4, 5, 6].map(async () => (await send(balancerPort)).body));

  it("installs the replacement, waits for ContinueDeployment, moves traffic without a failed request and releases the original", async () => {
    // The first release: the original fleet is its own replacement (nothing to take traffic from).
    const first = await deploy("v1", "blue");
    expect((await until(first, (i) => i.status === "Ready")).status).toBe("Ready");
    await cd.send(new ContinueDeploymentCommand({ deploymentId: first, deploymentWaitType: "READY_WAIT" }));
    expect((await until(first, () => false)).status).toBe("Succeeded");
    for (const body of await bodies()) expect(body).toMatch(/^v1 blue-\d\n$/);

    // v2 to the green fleet: installed and validated while blue keeps every request.
    const second = await deploy("v2", "green");
    const ready = await until(second, (i) => i.status === "Ready");
    expect(ready).toMatchObject({
      status: "Ready",
      deploymentStyle: { deploymentType: "BLUE_GREEN" },
      deploymentOverview: { Ready: 2, Pending: 2 },
    });
    for (const body of await bodies()) expect(body).toMatch(/^v1 blue-\d\n$/);
    await expect(
      cd.send(
        new ContinueDeploymentCommand({ deploymentId: second, deploymentWaitType: "TERMINATION_WAIT" }),
      ),
    ).rejects.toMatchObject({ name: "InvalidDeploymentStatusException" });

    // The switch takes well under a second: the load runs a second on each side of it.
    const load = startLoad(balancerPort, 20);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await cd.send(new ContinueDeploymentCommand({ deploymentId: second, deploymentWaitType: "READY_WAIT" }));
    const waiting = await until(second, (i) => i.instanceTerminationWaitTimeStarted === true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const report = await load.stop();
    expect(waiting.status).toBe("InProgress");
    expect(report.errors).toEqual([]);
    expect(report.sent).toBeGreaterThan(20);
    for (const body of await bodies()) expect(body).toMatch(/^v2 green-\d\n$/);

    // The group is the green fleet now; the blue one is released at ContinueDeployment.
    const group = (
      await cd.send(new GetDeploymentGroupCommand({ applicationName: "shop", deploymentGroupName: "prod" }))
    ).deploymentGroupInfo;
    expect(group?.onPremisesInstanceTagFilters).toEqual(role("green"));
    await cd.send(
      new ContinueDeploymentCommand({ deploymentId: second, deploymentWaitType: "TERMINATION_WAIT" }),
    );
    expect((await until(second, () => false)).status).toBe("Succeeded");
    const deregistered = await cd.send(
      new ListOnPremisesInstancesCommand({ registrationStatus: "Deregistered", tagFilters: role("blue") }),
    );
    expect(deregistered.instanceNames?.sort()).toEqual(["blue-1", "blue-2"]);

    const { targetIds } = await cd.send(new ListDeploymentTargetsCommand({ deploymentId: second }));
    const { deploymentTargets } = await cd.send(
      new BatchGetDeploymentTargetsCommand({ deploymentId: second, targetIds }),
    );
    const byName = new Map(deploymentTargets!.map((t) => [t.instanceTarget!.targetId!, t.instanceTarget!]));
    expect(byName.get("green-1")).toMatchObject({ instanceLabel: "Green", status: "Succeeded" });
    expect(byName.get("blue-1")).toMatchObject({ instanceLabel: "Blue", status: "Succeeded" });
    expect(byName.get("blue-1")?.lifecycleEvents?.map((e) => e.lifecycleEventName)).toEqual([
      "BeforeBlockTraffic",
      "BlockTraffic",
      "AfterBlockTraffic",
    ]);
    expect(
      byName
        .get("green-1")
        ?.lifecycleEvents?.map((e) => e.lifecycleEventName)
        .slice(-3),
    ).toEqual(["BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"]);
  });
});
