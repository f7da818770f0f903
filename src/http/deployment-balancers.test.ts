import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../test/support/postgres.js";
import { createLogger } from "../core/index.js";
import type { TrafficTarget } from "../services/codedeploy/index.js";
import { createDeploymentBalancers, type DeploymentBalancers } from "./deployment-balancers.js";

function target(app: string | undefined, port: string | undefined): TrafficTarget {
  return {
    accountId: "000000000000",
    region: "us-east-1",
    applicationName: "web",
    deploymentGroupName: "prod",
    deploymentGroupId: "g-1",
    instanceName: "host-1",
    tags: app === undefined ? [] : [{ Key: "pipewright:app", Value: app }],
    groupTags: port === undefined ? [] : [{ Key: "pipewright:balancer-port", Value: port }],
  };
}

describe("deployment groups' load balancers", () => {
  let balancers: DeploymentBalancers | undefined;
  afterEach(async () => {
    await balancers?.close();
  });

  it("registers an instance at its tagged address on the group's tagged port", async () => {
    balancers = createDeploymentBalancers({ host: "127.0.0.1", logger: createLogger({ level: "silent" }) });
    const port = await freePort();
    await balancers.allow(target("127.0.0.1:9", String(port)));
    const balancer = balancers.balancerOf("g-1");
    expect(balancer?.port).toBe(port);
    expect(balancer?.targets()).toMatchObject([{ id: "host-1", host: "127.0.0.1", port: 9 }]);
    await balancers.block(target("127.0.0.1:9", String(port)));
    expect(balancer?.targets().filter((t) => t.state !== "draining")).toEqual([]);
  });

  it("refuses addresses a caller could aim at the server's surroundings, and says what is missing", async () => {
    balancers = createDeploymentBalancers({ host: "127.0.0.1", logger: createLogger({ level: "silent" }) });
    const port = String(await freePort());
    const cases: Array<[string, RegExp]> = [
      ["169.254.169.254:80", /link-local/],
      ["[fe80::1]:80", /link-local/],
      ["0.0.0.0:80", /unspecified/],
      ["224.0.0.1:80", /multicast/],
      ["metadata.example:80", /not an IP address/],
      ["127.0.0.1:70000", /invalid/],
    ];
    for (const [value, why] of cases) await expect(balancers.allow(target(value, port))).rejects.toThrow(why);
    await expect(balancers.allow(target(undefined, port))).rejects.toThrow(/has no pipewright:app tag/);
    await expect(balancers.allow(target("8080", undefined))).rejects.toThrow(
      /has no pipewright:balancer-port tag/,
    );
  });
});
