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
  ListDeploymentInstancesCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
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

const T0 = Date.UTC(2026, 0, 1);
const STATUSES = ["Succeeded", "Failed", "Succeeded", "Stopped", "Succeeded"];
/** Deployments written straight to the store, oldest first: running real ones needs agents. */
const DEPLOYMENTS = STATUSES.map((status, i) => ({
  id: `d-PLAN0000${i}`,
  status,
  group: i % 2 === 0 ? "prod" : "Beta",
  createTime: T0 + i * 1000,
}));
const TARGETS = ["i-c", "i-a", "i-b"].map((id, position) => ({
  id,
  position,
  status: position === 1 ? "Failed" : "Succeeded",
}));

/** Enough targets for two pages, every seventh failed, taken in an order unlike their IDs'. */
const MANY_TARGETS = Array.from({ length: 130 }, (_, position) => ({
  id: `i-${String((position * 37) % 130).padStart(3, "0")}`,
  position,
  status: position % 7 === 0 ? "Failed" : "Succeeded",
}));

async function seedDeployments(server: TestServer): Promise<void> {
  const db = server.store.db;
  for (const d of DEPLOYMENTS) {
    await db
      .insertInto("codedeploy_deployments")
      .values({
        deployment_id: d.id,
        account_id: "000000000000",
        region: "us-east-1",
        application_name: "web",
        deployment_group_name: d.group,
        deployment_group_id: `group-${d.group}`,
        deployment_config_name: "CodeDeployDefault.OneAtATime",
        status: d.status,
        creator: "user",
        plan: "{}",
        create_time: d.createTime,
      })
      .execute();
  }
  const seeded = [
    ...TARGETS.map((t) => ({ ...t, deploymentId: DEPLOYMENTS[0]!.id })),
    ...MANY_TARGETS.map((t) => ({ ...t, deploymentId: DEPLOYMENTS[1]!.id })),
  ];
  for (const t of seeded) {
    await db
      .insertInto("codedeploy_deployment_targets")
      .values({
        deployment_id: t.deploymentId,
        target_id: t.id,
        account_id: "000000000000",
        region: "us-east-1",
        target_arn: `arn:aws:ec2:us-east-1:000000000000:instance/${t.id}`,
        label: null,
        position: t.position,
        status: t.status,
        events: "[]",
        last_updated_at: T0,
      })
      .execute();
  }
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
    await seedDeployments(server);
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

  it("ListDeployments, each filter, first page and after a token", async () => {
    let all: string[] = [];
    await expectIndexed("ListDeployments", async () => {
      all = (await cd.send(new ListDeploymentsCommand({}))).deployments ?? [];
    });
    expect(all).toEqual(DEPLOYMENTS.map((d) => d.id).reverse());
    await expectIndexed("ListDeployments", () =>
      cd.send(new ListDeploymentsCommand({ applicationName: "web", deploymentGroupName: "prod" })),
    );
    let succeeded: string[] = [];
    await expectIndexed("ListDeployments", async () => {
      succeeded =
        (await cd.send(new ListDeploymentsCommand({ includeOnlyStatuses: ["Succeeded"] }))).deployments ?? [];
    });
    expect(succeeded).toEqual(
      DEPLOYMENTS.filter((d) => d.status === "Succeeded")
        .map((d) => d.id)
        .reverse(),
    );
    await expectIndexed("ListDeployments", () =>
      cd.send(
        new ListDeploymentsCommand({
          createTimeRange: { start: new Date(T0 + 1000), end: new Date(T0 + 3000) },
        }),
      ),
    );
    const token = Buffer.from(
      JSON.stringify({ l: "ListDeployments//", p: { t: T0 + 3000, id: DEPLOYMENTS[3]!.id } }),
    ).toString("base64url");
    let rest: string[] = [];
    await expectIndexed("ListDeployments", async () => {
      rest = (await cd.send(new ListDeploymentsCommand({ nextToken: token }))).deployments ?? [];
    });
    expect(rest).toEqual(all.slice(all.indexOf(DEPLOYMENTS[3]!.id) + 1));
  });

  it("ListDeploymentTargets and ListDeploymentInstances, with and without filters", async () => {
    const deploymentId = DEPLOYMENTS[0]!.id;
    let targets: string[] = [];
    await expectIndexed("ListDeploymentTargets", async () => {
      targets = (await cd.send(new ListDeploymentTargetsCommand({ deploymentId }))).targetIds ?? [];
    });
    expect(targets).toEqual(TARGETS.map((t) => t.id));
    let failed: string[] = [];
    await expectIndexed("ListDeploymentTargets", async () => {
      failed =
        (
          await cd.send(
            new ListDeploymentTargetsCommand({ deploymentId, targetFilters: { TargetStatus: ["Failed"] } }),
          )
        ).targetIds ?? [];
    });
    expect(failed).toEqual(TARGETS.filter((t) => t.status === "Failed").map((t) => t.id));
    await expectIndexed("ListDeploymentInstances", () =>
      cd.send(new ListDeploymentInstancesCommand({ deploymentId })),
    );
    await expectIndexed("ListDeploymentInstances", () =>
      cd.send(new ListDeploymentInstancesCommand({ deploymentId, instanceStatusFilter: ["Succeeded"] })),
    );
  });

  it("ListDeploymentTargets walks every page in order, filtered or not", async () => {
    const deploymentId = DEPLOYMENTS[1]!.id;
    const walk = async (targetFilters?: Record<string, string[]>) => {
      const ids: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await cd.send(
          new ListDeploymentTargetsCommand({ deploymentId, targetFilters, nextToken }),
        );
        ids.push(...(page.targetIds ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return ids;
    };
    expect(await walk()).toEqual(MANY_TARGETS.map((t) => t.id));
    expect(await walk({ TargetStatus: ["Failed"] })).toEqual(
      MANY_TARGETS.filter((t) => t.status === "Failed").map((t) => t.id),
    );
    await expect(
      cd.send(
        new ListDeploymentTargetsCommand({
          deploymentId,
          nextToken: offsetToken(`ListDeploymentTargets/${deploymentId}/{}`, 100),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
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
