import {
  AddTagsToOnPremisesInstancesCommand,
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  ListApplicationsCommand,
  ListDeploymentGroupsCommand,
  InvalidNextTokenException,
  ListDeploymentConfigsCommand,
  ListOnPremisesInstancesCommand,
  RegisterOnPremisesInstanceCommand,
} from "@aws-sdk/client-codedeploy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullScans, recordQueries } from "../support/query-plans.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";

const user = (name: string) => `arn:aws:iam::000000000000:user/${name}`;

/** A token of `listing` whose position is an offset, as this server's listings once handed out. */
function offsetToken(listing: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listing, p: offset })).toString("base64url");
}

describe.each(dialects())("CodeDeploy listings on %s read one page from an index", (dialect) => {
  const rec = recordQueries();
  let server: TestServer;
  let cd: CodeDeployClient;

  /** Asserts that `operation` ran statements for `fn` and that none scans. */
  async function expectIndexed(operation: string, fn: () => Promise<unknown>): Promise<void> {
    const queries = await rec.during(operation, fn);
    expect(queries.length).toBeGreaterThan(0);
    expect(await fullScans(server.store, queries)).toEqual([]);
  }

  beforeAll(async () => {
    server = await startTestServer({ dialect, server: { onQuery: rec.onQuery } });
    cd = new CodeDeployClient(server.clientConfig);
    for (const name of ["host-b", "Host-z", "host-a", "host-c"])
      await cd.send(new RegisterOnPremisesInstanceCommand({ instanceName: name, iamUserArn: user(name) }));
    await cd.send(
      new AddTagsToOnPremisesInstancesCommand({
        instanceNames: ["host-a", "host-c"],
        tags: [{ Key: "env", Value: "prod" }],
      }),
    );
    for (const applicationName of ["web", "Api", "batch"]) {
      await cd.send(new CreateApplicationCommand({ applicationName }));
    }
    for (const deploymentGroupName of ["prod", "Beta", "staging"]) {
      await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "web",
          deploymentGroupName,
          serviceRoleArn: "arn:aws:iam::000000000000:role/codedeploy",
        }),
      );
    }
    for (const name of ["Quarter", "half"]) {
      await cd.send(
        new CreateDeploymentConfigCommand({
          deploymentConfigName: name,
          minimumHealthyHosts: { type: "FLEET_PERCENT", value: 50 },
        }),
      );
    }
  });
  afterAll(async () => {
    cd?.destroy();
    await server?.stop();
  });

  it("ListDeploymentConfigs, first page and after a name", async () => {
    let names: string[] = [];
    await expectIndexed("ListDeploymentConfigs", async () => {
      names = (await cd.send(new ListDeploymentConfigsCommand({}))).deploymentConfigsList ?? [];
    });
    // The built-in configurations first, then the account's own in byte order.
    expect(names.slice(-2)).toEqual(["Quarter", "half"]);
    await expectIndexed("ListDeploymentConfigs", () =>
      cd.send(
        new ListDeploymentConfigsCommand({
          nextToken: Buffer.from(JSON.stringify({ l: "ListDeploymentConfigs", p: "Quarter" })).toString(
            "base64url",
          ),
        }),
      ),
    );
  });

  it("ListApplications and ListDeploymentGroups, in byte order", async () => {
    let applications: string[] = [];
    await expectIndexed("ListApplications", async () => {
      applications = (await cd.send(new ListApplicationsCommand({}))).applications ?? [];
    });
    expect(applications).toEqual(["Api", "batch", "web"]);
    let groups: string[] = [];
    await expectIndexed("ListDeploymentGroups", async () => {
      groups =
        (await cd.send(new ListDeploymentGroupsCommand({ applicationName: "web" }))).deploymentGroups ?? [];
    });
    expect(groups).toEqual(["Beta", "prod", "staging"]);
  });

  it("ListOnPremisesInstances, by status and by tag", async () => {
    let all: string[] = [];
    await expectIndexed("ListOnPremisesInstances", async () => {
      all = (await cd.send(new ListOnPremisesInstancesCommand({}))).instanceNames ?? [];
    });
    expect(all).toEqual(["Host-z", "host-a", "host-b", "host-c"]);
    await expectIndexed("ListOnPremisesInstances", () =>
      cd.send(new ListOnPremisesInstancesCommand({ registrationStatus: "Registered" })),
    );
    let tagged: string[] = [];
    await expectIndexed("ListOnPremisesInstances", async () => {
      tagged =
        (
          await cd.send(
            new ListOnPremisesInstancesCommand({
              tagFilters: [{ Key: "env", Value: "prod", Type: "KEY_AND_VALUE" }],
            }),
          )
        ).instanceNames ?? [];
    });
    expect(tagged).toEqual(["host-a", "host-c"]);
  });

  it("refuses an offset token of the old kind", async () => {
    await expect(
      cd.send(
        new ListOnPremisesInstancesCommand({
          nextToken: offsetToken(`ListOnPremisesInstances/${JSON.stringify(["", []])}`, 1),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
  });
});
