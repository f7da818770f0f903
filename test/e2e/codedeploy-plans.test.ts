import {
  AddTagsToOnPremisesInstancesCommand,
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  ListApplicationsCommand,
  ListDeploymentGroupsCommand,
  InvalidNextTokenException,
  ListApplicationRevisionsCommand,
  ListDeploymentConfigsCommand,
  ListDeploymentInstancesCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  ListOnPremisesInstancesCommand,
  ListTagsForResourceCommand,
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

/** Revisions of "web": some never deployed, two of equal register time, in two buckets. */
const REVISIONS = [
  { key: "bbb/app-1.zip", bucket: "bbb", registered: 3, first: 5, last: 9 },
  { key: "bbb/app-2.zip", bucket: "bbb", registered: 1, first: null, last: null },
  { key: "bbb/lib-1.zip", bucket: "bbb", registered: 3, first: 4, last: 4 },
  { key: "ccc/app-3.zip", bucket: "ccc", registered: 2, first: null, last: null },
  { key: "ccc/app-4.zip", bucket: "ccc", registered: 5, first: 6, last: 7 },
];

async function seedRevisions(server: TestServer): Promise<void> {
  const db = server.store.db;
  const app = await db
    .selectFrom("codedeploy_applications")
    .select("application_id")
    .where("name", "=", "web")
    .executeTakeFirstOrThrow();
  for (const r of REVISIONS) {
    const key = r.key.slice(4);
    await db
      .insertInto("codedeploy_revisions")
      .values({
        application_id: app.application_id,
        revision_key: r.key,
        revision: JSON.stringify({
          revisionType: "S3",
          s3Location: { bucket: r.bucket, key, bundleType: "zip" },
        }),
        revision_type: "S3",
        s3_bucket: r.bucket,
        s3_key: key,
        description: null,
        register_time: T0 + r.registered,
        first_used_time: r.first === null ? null : T0 + r.first,
        last_used_time: r.last === null ? null : T0 + r.last,
      })
      .execute();
  }
}

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
    await seedRevisions(server);
    for (const name of ["Quarter", "half"]) {
      await cd.send(
        new CreateDeploymentConfigCommand({
          deploymentConfigName: name,
          minimumHealthyHosts: { type: "FLEET_PERCENT", value: 50 },
        }),
      );
    }
  });
  async function applicationId(): Promise<string> {
    const app = await server.store.db
      .selectFrom("codedeploy_applications")
      .select("application_id")
      .where("name", "=", "web")
      .executeTakeFirstOrThrow();
    return app.application_id;
  }

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

  it("ListApplicationRevisions, by each sort and filter, in the order it always answered", async () => {
    const list = async (
      input: Omit<ConstructorParameters<typeof ListApplicationRevisionsCommand>[0], "applicationName">,
    ) => {
      let keys: string[] = [];
      await expectIndexed("ListApplicationRevisions", async () => {
        const out = await cd.send(new ListApplicationRevisionsCommand({ applicationName: "web", ...input }));
        keys = (out.revisions ?? []).map((r) => `${r.s3Location?.bucket}/${r.s3Location?.key}`);
      });
      return keys;
    };
    // The sort time, ties by key; revisions without the time last, by key.
    const ordered = (time: "registered" | "first" | "last", descending = false) =>
      [...REVISIONS]
        .sort((a, b) => {
          const [x, y] = [a[time], b[time]];
          if (x === null || y === null) return x === y ? (a.key < b.key ? -1 : 1) : x === null ? 1 : -1;
          return x !== y ? (descending ? y - x : x - y) : a.key < b.key ? -1 : 1;
        })
        .map((r) => r.key);
    expect(await list({})).toEqual(ordered("registered"));
    expect(await list({ sortOrder: "descending" })).toEqual(ordered("registered", true));
    expect(await list({ sortBy: "firstUsedTime" })).toEqual(ordered("first"));
    expect(await list({ sortBy: "firstUsedTime", sortOrder: "descending" })).toEqual(ordered("first", true));
    expect(await list({ sortBy: "lastUsedTime", sortOrder: "descending" })).toEqual(ordered("last", true));
    expect(await list({ sortBy: "lastUsedTime" })).toEqual(ordered("last"));
    expect(await list({ s3Bucket: "bbb", s3KeyPrefix: "app" })).toEqual(["bbb/app-2.zip", "bbb/app-1.zip"]);
    expect(await list({ deployed: "include" })).toEqual(["bbb/app-1.zip", "bbb/lib-1.zip", "ccc/app-4.zip"]);
    expect(await list({ deployed: "exclude", sortBy: "firstUsedTime" })).toEqual([
      "bbb/app-2.zip",
      "ccc/app-3.zip",
    ]);
    expect(await list({ deployed: "ignore", sortBy: "lastUsedTime" })).toEqual(ordered("last"));
    const token = Buffer.from(
      JSON.stringify({
        l: `ListApplicationRevisions/${await applicationId()}/${JSON.stringify({ sortBy: "registerTime", sortOrder: "ascending", deployed: "ignore" })}`,
        p: { t: T0 + 3, k: "bbb/app-1.zip" },
      }),
    ).toString("base64url");
    expect(await list({ nextToken: token })).toEqual(["bbb/lib-1.zip", "ccc/app-4.zip"]);
    await expect(list({ nextToken: offsetToken("ListApplicationRevisions", 1) })).rejects.toBeInstanceOf(
      InvalidNextTokenException,
    );
  });

  it("ListTagsForResource reads one application", async () => {
    await expectIndexed("ListTagsForResource", () =>
      cd.send(
        new ListTagsForResourceCommand({
          ResourceArn: "arn:aws:codedeploy:us-east-1:000000000000:application:web",
        }),
      ),
    );
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
