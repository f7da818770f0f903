import {
  AddTagsToOnPremisesInstancesCommand,
  BatchGetApplicationRevisionsCommand,
  BatchGetApplicationsCommand,
  BatchGetDeploymentGroupsCommand,
  BatchGetOnPremisesInstancesCommand,
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  DeleteApplicationCommand,
  DeleteDeploymentConfigCommand,
  DeleteDeploymentGroupCommand,
  DeregisterOnPremisesInstanceCommand,
  GetApplicationCommand,
  GetApplicationRevisionCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetOnPremisesInstanceCommand,
  ListApplicationRevisionsCommand,
  ListApplicationsCommand,
  ListDeploymentConfigsCommand,
  ListDeploymentGroupsCommand,
  ListOnPremisesInstancesCommand,
  ListTagsForResourceCommand,
  RegisterApplicationRevisionCommand,
  RegisterOnPremisesInstanceCommand,
  RemoveTagsFromOnPremisesInstancesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateApplicationCommand,
  UpdateDeploymentGroupCommand,
  type RevisionLocation,
} from "@aws-sdk/client-codedeploy";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, startTestServer, type TestServer } from "../support/server.js";
import { jsonCall } from "../support/signed-fetch.js";

const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;
const ROLE = "arn:aws:iam::000000000000:role/codedeploy";

/** The error an SDK call failed with: its code and message. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

function s3Revision(key: string, extra: Record<string, string> = {}): RevisionLocation {
  return { revisionType: "S3", s3Location: { bucket: "bundles", key, bundleType: "zip", ...extra } };
}

for (const dialect of dialects) {
  describe(`CodeDeploy control plane (${dialect})`, () => {
    let server: TestServer;
    let cd: CodeDeployClient;

    beforeAll(async () => {
      server = await startTestServer({ dialect });
      cd = new CodeDeployClient(server.clientConfig);
      const s3 = new S3Client(server.clientConfig);
      await s3.send(new CreateBucketCommand({ Bucket: "bundles" }));
      s3.destroy();
    });
    afterAll(async () => {
      cd?.destroy();
      await server?.stop();
    });

    it("creates, gets, lists, renames and deletes applications", async () => {
      const created = await cd.send(
        new CreateApplicationCommand({ applicationName: "web", tags: [{ Key: "team", Value: "a" }] }),
      );
      expect(created.applicationId).toMatch(/^[0-9a-f-]{36}$/);
      await cd.send(new CreateApplicationCommand({ applicationName: "fn", computePlatform: "Lambda" }));
      const got = (await cd.send(new GetApplicationCommand({ applicationName: "web" }))).application!;
      expect(got).toMatchObject({
        applicationId: created.applicationId,
        applicationName: "web",
        computePlatform: "Server",
        linkedToGitHub: false,
      });
      expect(got.createTime).toBeInstanceOf(Date);
      expect((await cd.send(new ListApplicationsCommand({}))).applications).toEqual(["fn", "web"]);
      const batch = await cd.send(new BatchGetApplicationsCommand({ applicationNames: ["web", "fn"] }));
      expect(batch.applicationsInfo?.map((a) => a.computePlatform)).toEqual(["Server", "Lambda"]);

      expect(await failure(cd.send(new CreateApplicationCommand({ applicationName: "web" })))).toMatchObject({
        name: "ApplicationAlreadyExistsException",
        status: 400,
      });
      expect((await failure(cd.send(new GetApplicationCommand({ applicationName: "nope" })))).name).toBe(
        "ApplicationDoesNotExistException",
      );
      expect(
        (await failure(cd.send(new BatchGetApplicationsCommand({ applicationNames: ["web", "nope"] })))).name,
      ).toBe("ApplicationDoesNotExistException");
      expect((await failure(cd.send(new GetApplicationCommand({ applicationName: "" })))).name).toBe(
        "ApplicationNameRequiredException",
      );
      for (const hostile of ["../etc/passwd", "a/b", "x".repeat(101), "a b", "app:1"]) {
        expect(
          (await failure(cd.send(new CreateApplicationCommand({ applicationName: hostile })))).name,
        ).toBe("InvalidApplicationNameException");
      }
      expect(
        (
          await failure(
            cd.send(
              new CreateApplicationCommand({ applicationName: "t", tags: [{ Key: "aws:x", Value: "" }] }),
            ),
          )
        ).name,
      ).toBe("InvalidTagsToAddException");

      await cd.send(new CreateApplicationCommand({ applicationName: "old" }));
      await cd.send(new UpdateApplicationCommand({ applicationName: "old", newApplicationName: "new" }));
      expect(
        (await cd.send(new GetApplicationCommand({ applicationName: "new" }))).application?.applicationName,
      ).toBe("new");
      expect(
        (
          await failure(
            cd.send(new UpdateApplicationCommand({ applicationName: "new", newApplicationName: "web" })),
          )
        ).name,
      ).toBe("ApplicationAlreadyExistsException");
      await cd.send(new DeleteApplicationCommand({ applicationName: "new" }));
      await cd.send(new DeleteApplicationCommand({ applicationName: "new" }));
      expect((await cd.send(new ListApplicationsCommand({}))).applications).toEqual(["fn", "web"]);
    });

    it("pages ListApplications and refuses foreign tokens", async () => {
      for (let i = 0; i < 102; i++) {
        await cd.send(
          new CreateApplicationCommand({ applicationName: `page-${String(i).padStart(3, "0")}` }),
        );
      }
      const first = await cd.send(new ListApplicationsCommand({}));
      expect(first.applications).toHaveLength(100);
      const second = await cd.send(new ListApplicationsCommand({ nextToken: first.nextToken }));
      expect(
        [...first.applications!, ...second.applications!].filter((n) => n.startsWith("page-")),
      ).toHaveLength(102);
      expect(second.nextToken).toBeUndefined();
      expect((await failure(cd.send(new ListApplicationsCommand({ nextToken: "garbage" })))).name).toBe(
        "InvalidNextTokenException",
      );
      expect(
        (await failure(cd.send(new ListDeploymentConfigsCommand({ nextToken: first.nextToken })))).name,
      ).toBe("InvalidNextTokenException");
      for (let i = 0; i < 102; i++) {
        await cd.send(
          new DeleteApplicationCommand({ applicationName: `page-${String(i).padStart(3, "0")}` }),
        );
      }
    });

    it("registers, gets and lists revisions, checking their buckets", async () => {
      await cd.send(
        new RegisterApplicationRevisionCommand({
          applicationName: "web",
          revision: s3Revision("v1.zip"),
          description: "first",
        }),
      );
      await cd.send(
        new RegisterApplicationRevisionCommand({
          applicationName: "web",
          revision: s3Revision("v1.zip"),
          description: "again",
        }),
      );
      await cd.send(
        new RegisterApplicationRevisionCommand({
          applicationName: "web",
          revision: s3Revision("other/v2.zip"),
        }),
      );
      const appspec: RevisionLocation = {
        revisionType: "AppSpecContent",
        appSpecContent: { content: "version: 0.0\nos: linux\n" },
      };
      await cd.send(new RegisterApplicationRevisionCommand({ applicationName: "web", revision: appspec }));

      const got = await cd.send(
        new GetApplicationRevisionCommand({ applicationName: "web", revision: s3Revision("v1.zip") }),
      );
      expect(got.applicationName).toBe("web");
      expect(got.revision).toEqual(s3Revision("v1.zip"));
      expect(got.revisionInfo).toMatchObject({ description: "again", deploymentGroups: [] });
      expect(got.revisionInfo?.registerTime).toBeInstanceOf(Date);
      expect(got.revisionInfo?.firstUsedTime).toBeUndefined();
      const inline = await cd.send(
        new GetApplicationRevisionCommand({ applicationName: "web", revision: appspec }),
      );
      expect(inline.revision?.appSpecContent?.sha256).toMatch(/^[0-9a-f]{64}$/);

      const all = await cd.send(new ListApplicationRevisionsCommand({ applicationName: "web" }));
      expect(all.revisions).toHaveLength(3);
      const filtered = await cd.send(
        new ListApplicationRevisionsCommand({
          applicationName: "web",
          s3Bucket: "bundles",
          s3KeyPrefix: "other/",
        }),
      );
      expect(filtered.revisions).toEqual([s3Revision("other/v2.zip")]);
      const byPercent = await cd.send(
        new ListApplicationRevisionsCommand({
          applicationName: "web",
          s3Bucket: "bundles",
          s3KeyPrefix: "%",
        }),
      );
      expect(byPercent.revisions).toEqual([]);
      expect(
        (await cd.send(new ListApplicationRevisionsCommand({ applicationName: "web", deployed: "include" })))
          .revisions,
      ).toEqual([]);
      const newestFirst = await cd.send(
        new ListApplicationRevisionsCommand({
          applicationName: "web",
          sortBy: "registerTime",
          sortOrder: "descending",
        }),
      );
      expect(newestFirst.revisions?.[0]?.revisionType).toBe("AppSpecContent");

      const batch = await cd.send(
        new BatchGetApplicationRevisionsCommand({
          applicationName: "web",
          revisions: [s3Revision("v1.zip"), s3Revision("missing.zip")],
        }),
      );
      expect(batch.revisions).toHaveLength(1);
      expect(batch.errorMessage).toContain("revisions[1]");

      const refused = async (revision: RevisionLocation | undefined) =>
        (
          await failure(
            cd.send(new RegisterApplicationRevisionCommand({ applicationName: "web", revision: revision! })),
          )
        ).name;
      expect(await refused(undefined)).toBe("RevisionRequiredException");
      expect(
        await refused({ revisionType: "S3", s3Location: { bucket: "bundles", bundleType: "zip" } }),
      ).toBe("InvalidRevisionException");
      expect(
        await refused({
          revisionType: "S3",
          s3Location: { bucket: "no-such-bucket", key: "a.zip", bundleType: "zip" },
        }),
      ).toBe("InvalidRevisionException");
      expect(
        await refused({
          revisionType: "AppSpecContent",
          appSpecContent: { content: "version: 0.0", sha256: "00" },
        }),
      ).toBe("InvalidRevisionException");
      expect(
        (
          await failure(
            cd.send(
              new RegisterApplicationRevisionCommand({
                applicationName: "nope",
                revision: s3Revision("v1.zip"),
              }),
            ),
          )
        ).name,
      ).toBe("ApplicationDoesNotExistException");
      expect(
        (
          await failure(
            cd.send(
              new RegisterApplicationRevisionCommand({
                applicationName: "web",
                revision: s3Revision("v1.zip"),
                description: "d".repeat(101),
              }),
            ),
          )
        ).name,
      ).toBe("DescriptionTooLongException");
      expect(
        (
          await failure(
            cd.send(
              new GetApplicationRevisionCommand({
                applicationName: "web",
                revision: s3Revision("missing.zip"),
              }),
            ),
          )
        ).name,
      ).toBe("RevisionDoesNotExistException");
      const listRefused = async (input: Record<string, string>) =>
        (await failure(cd.send(new ListApplicationRevisionsCommand({ applicationName: "web", ...input }))))
          .name;
      expect(await listRefused({ s3KeyPrefix: "a/" })).toBe("BucketNameFilterRequiredException");
      expect(await listRefused({ sortBy: "name" })).toBe("InvalidSortByException");
      expect(await listRefused({ sortOrder: "up" })).toBe("InvalidSortOrderException");
      expect(await listRefused({ deployed: "maybe" })).toBe("InvalidDeployedStateFilterException");
      expect(await listRefused({ s3Bucket: "../x" })).toBe("InvalidBucketNameFilterException");
    });

    it("answers built-in deployment configurations and manages custom ones", async () => {
      const listed = (await cd.send(new ListDeploymentConfigsCommand({}))).deploymentConfigsList!;
      expect(listed).toEqual(
        expect.arrayContaining([
          "CodeDeployDefault.OneAtATime",
          "CodeDeployDefault.HalfAtATime",
          "CodeDeployDefault.AllAtOnce",
        ]),
      );
      const half = (
        await cd.send(
          new GetDeploymentConfigCommand({ deploymentConfigName: "CodeDeployDefault.HalfAtATime" }),
        )
      ).deploymentConfigInfo!;
      expect(half).toMatchObject({
        computePlatform: "Server",
        minimumHealthyHosts: { type: "FLEET_PERCENT", value: 50 },
      });

      const created = await cd.send(
        new CreateDeploymentConfigCommand({
          deploymentConfigName: "ThreeQuarters",
          minimumHealthyHosts: { type: "FLEET_PERCENT", value: 75 },
        }),
      );
      expect(created.deploymentConfigId).toMatch(/^[0-9a-f-]{36}$/);
      const info = (await cd.send(new GetDeploymentConfigCommand({ deploymentConfigName: "ThreeQuarters" })))
        .deploymentConfigInfo!;
      expect(info).toMatchObject({
        deploymentConfigName: "ThreeQuarters",
        minimumHealthyHosts: { type: "FLEET_PERCENT", value: 75 },
      });
      expect(info.createTime).toBeInstanceOf(Date);
      expect((await cd.send(new ListDeploymentConfigsCommand({}))).deploymentConfigsList).toContain(
        "ThreeQuarters",
      );

      const create = (name: string, type: "HOST_COUNT" | "FLEET_PERCENT" | undefined, value?: number) =>
        failure(
          cd.send(
            new CreateDeploymentConfigCommand({
              deploymentConfigName: name,
              ...(type ? { minimumHealthyHosts: { type, value } } : {}),
            }),
          ),
        );
      expect((await create("ThreeQuarters", "HOST_COUNT", 1)).name).toBe(
        "DeploymentConfigAlreadyExistsException",
      );
      expect((await create("TooMany", "FLEET_PERCENT", 100)).name).toBe(
        "InvalidMinimumHealthyHostValueException",
      );
      expect((await create("Negative", "HOST_COUNT", -1)).name).toBe(
        "InvalidMinimumHealthyHostValueException",
      );
      expect((await create("Nothing", undefined)).name).toBe("InvalidMinimumHealthyHostValueException");
      expect((await create("CodeDeployDefault.Mine", "HOST_COUNT", 1)).name).toBe(
        "InvalidDeploymentConfigNameException",
      );
      expect((await create("", "HOST_COUNT", 1)).name).toBe("DeploymentConfigNameRequiredException");
      expect(
        (await failure(cd.send(new GetDeploymentConfigCommand({ deploymentConfigName: "Nope" })))).name,
      ).toBe("DeploymentConfigDoesNotExistException");
      expect(
        (
          await failure(
            cd.send(
              new DeleteDeploymentConfigCommand({ deploymentConfigName: "CodeDeployDefault.AllAtOnce" }),
            ),
          )
        ).name,
      ).toBe("InvalidOperationException");
    });

    it("creates, gets, updates and deletes deployment groups with AWS's defaults and rules", async () => {
      const created = await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "web",
          deploymentGroupName: "prod",
          serviceRoleArn: ROLE,
          onPremisesInstanceTagFilters: [{ Key: "env", Value: "prod", Type: "KEY_AND_VALUE" }],
          autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
          alarmConfiguration: { enabled: true, alarms: [{ name: "cpu" }] },
          triggerConfigurations: [
            {
              triggerName: "notify",
              triggerTargetArn: "arn:aws:sns:us-east-1:000000000000:deploys",
              triggerEvents: ["DeploymentFailure"],
            },
          ],
          tags: [{ Key: "tier", Value: "1" }],
        }),
      );
      const group = (
        await cd.send(new GetDeploymentGroupCommand({ applicationName: "web", deploymentGroupName: "prod" }))
      ).deploymentGroupInfo!;
      expect(group).toMatchObject({
        applicationName: "web",
        deploymentGroupId: created.deploymentGroupId,
        deploymentGroupName: "prod",
        deploymentConfigName: "CodeDeployDefault.OneAtATime",
        serviceRoleArn: ROLE,
        computePlatform: "Server",
        outdatedInstancesStrategy: "UPDATE",
        deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITHOUT_TRAFFIC_CONTROL" },
        onPremisesInstanceTagFilters: [{ Key: "env", Value: "prod", Type: "KEY_AND_VALUE" }],
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
        alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: "cpu" }] },
      });
      expect(group.lastAttemptedDeployment).toBeUndefined();

      await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "web",
          deploymentGroupName: "staging",
          serviceRoleArn: ROLE,
          deploymentConfigName: "ThreeQuarters",
          onPremisesTagSet: {
            onPremisesTagSetList: [
              [{ Key: "env", Type: "KEY_ONLY" }],
              [{ Value: "web", Type: "VALUE_ONLY" }],
            ],
          },
        }),
      );
      expect(await cd.send(new ListDeploymentGroupsCommand({ applicationName: "web" }))).toMatchObject({
        applicationName: "web",
        deploymentGroups: ["prod", "staging"],
      });
      const batch = await cd.send(
        new BatchGetDeploymentGroupsCommand({
          applicationName: "web",
          deploymentGroupNames: ["staging", "gone"],
        }),
      );
      expect(batch.deploymentGroupsInfo?.map((g) => g.deploymentConfigName)).toEqual(["ThreeQuarters"]);
      expect(batch.errorMessage).toContain("gone");

      expect(
        (await failure(cd.send(new DeleteDeploymentConfigCommand({ deploymentConfigName: "ThreeQuarters" }))))
          .name,
      ).toBe("DeploymentConfigInUseException");

      const update = await cd.send(
        new UpdateDeploymentGroupCommand({
          applicationName: "web",
          currentDeploymentGroupName: "staging",
          newDeploymentGroupName: "qa",
          deploymentConfigName: "CodeDeployDefault.AllAtOnce",
        }),
      );
      expect(update.hooksNotCleanedUp).toEqual([]);
      const qa = (
        await cd.send(new GetDeploymentGroupCommand({ applicationName: "web", deploymentGroupName: "qa" }))
      ).deploymentGroupInfo!;
      expect(qa.deploymentConfigName).toBe("CodeDeployDefault.AllAtOnce");
      expect(qa.onPremisesTagSet?.onPremisesTagSetList).toHaveLength(2);
      await cd.send(new DeleteDeploymentConfigCommand({ deploymentConfigName: "ThreeQuarters" }));

      const createRefused = async (extra: Record<string, unknown>) =>
        (
          await failure(
            cd.send(
              new CreateDeploymentGroupCommand({
                applicationName: "web",
                deploymentGroupName: "bad",
                serviceRoleArn: ROLE,
                ...extra,
              }),
            ),
          )
        ).name;
      expect(await createRefused({ deploymentGroupName: "prod" })).toBe(
        "DeploymentGroupAlreadyExistsException",
      );
      expect(await createRefused({ deploymentConfigName: "Nope" })).toBe(
        "DeploymentConfigDoesNotExistException",
      );
      expect(await createRefused({ serviceRoleArn: undefined })).toBe("RoleRequiredException");
      expect(await createRefused({ serviceRoleArn: "arn:aws:iam::000000000000:user/bob" })).toBe(
        "InvalidRoleException",
      );
      expect(await createRefused({ deploymentGroupName: "../../x" })).toBe(
        "InvalidDeploymentGroupNameException",
      );
      expect(await createRefused({ applicationName: "nope" })).toBe("ApplicationDoesNotExistException");
      expect(
        await createRefused({
          onPremisesInstanceTagFilters: [{ Key: "a", Value: "b", Type: "KEY_AND_VALUE" }],
          onPremisesTagSet: { onPremisesTagSetList: [[{ Key: "a", Type: "KEY_ONLY" }]] },
        }),
      ).toBe("InvalidOnPremisesTagCombinationException");
      expect(
        await createRefused({
          ec2TagFilters: [{ Key: "a", Type: "KEY_ONLY" }],
          ec2TagSet: { ec2TagSetList: [[{ Key: "a", Type: "KEY_ONLY" }]] },
        }),
      ).toBe("InvalidEC2TagCombinationException");
      expect(
        await createRefused({
          onPremisesTagSet: {
            onPremisesTagSetList: [[], [], [], []].map(() => [{ Key: "a", Type: "KEY_ONLY" }]),
          },
        }),
      ).toBe("TagSetListLimitExceededException");
      expect(await createRefused({ onPremisesInstanceTagFilters: [{ Type: "KEY_ONLY", Value: "x" }] })).toBe(
        "InvalidTagException",
      );
      expect(await createRefused({ autoRollbackConfiguration: { enabled: true, events: [] } })).toBe(
        "InvalidAutoRollbackConfigException",
      );
      expect(await createRefused({ alarmConfiguration: { enabled: true, alarms: [] } })).toBe(
        "InvalidAlarmConfigException",
      );
      expect(
        await createRefused({
          alarmConfiguration: {
            enabled: true,
            alarms: Array.from({ length: 11 }, (_, i) => ({ name: `a${i}` })),
          },
        }),
      ).toBe("AlarmsLimitExceededException");
      expect(
        await createRefused({
          triggerConfigurations: [
            {
              triggerName: "t",
              triggerTargetArn: "arn:aws:sqs:us-east-1:000000000000:q",
              triggerEvents: ["DeploymentStart"],
            },
          ],
        }),
      ).toBe("InvalidTriggerConfigException");
      expect(
        await createRefused({
          deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        }),
      ).toBe("InvalidLoadBalancerInfoException");
      expect(
        await createRefused({
          deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
          loadBalancerInfo: { targetGroupInfoList: [{ name: "tg" }] },
          onPremisesInstanceTagFilters: [{ Key: "env", Type: "KEY_ONLY" }],
          blueGreenDeploymentConfiguration: {
            greenFleetProvisioningOption: { action: "COPY_AUTO_SCALING_GROUP" },
          },
        }),
      ).toBe("InvalidBlueGreenDeploymentConfigurationException");
      expect(
        await createRefused({
          blueGreenDeploymentConfiguration: {
            deploymentReadyOption: { actionOnTimeout: "CONTINUE_DEPLOYMENT" },
          },
        }),
      ).toBe("InvalidBlueGreenDeploymentConfigurationException");
      expect(await createRefused({ autoScalingGroups: ["asg"] })).toBe("InvalidAutoScalingGroupException");
      expect(
        (
          await failure(
            cd.send(new GetDeploymentGroupCommand({ applicationName: "web", deploymentGroupName: "gone" })),
          )
        ).name,
      ).toBe("DeploymentGroupDoesNotExistException");
      expect(
        (
          await failure(
            cd.send(
              new UpdateDeploymentGroupCommand({
                applicationName: "web",
                currentDeploymentGroupName: "qa",
                newDeploymentGroupName: "prod",
              }),
            ),
          )
        ).name,
      ).toBe("DeploymentGroupAlreadyExistsException");

      const deleted = await cd.send(
        new DeleteDeploymentGroupCommand({ applicationName: "web", deploymentGroupName: "qa" }),
      );
      expect(deleted.hooksNotCleanedUp).toEqual([]);
      expect(
        (await cd.send(new ListDeploymentGroupsCommand({ applicationName: "web" }))).deploymentGroups,
      ).toEqual(["prod"]);
    });

    it("tags applications and deployment groups by ARN", async () => {
      const app = `arn:aws:codedeploy:${server.config.region}:${server.config.accountId}:application:web`;
      const group = `arn:aws:codedeploy:${server.config.region}:${server.config.accountId}:deploymentgroup:web/prod`;
      await cd.send(
        new TagResourceCommand({
          ResourceArn: app,
          Tags: [
            { Key: "stage", Value: "x" },
            { Key: "team", Value: "b" },
          ],
        }),
      );
      await cd.send(new UntagResourceCommand({ ResourceArn: app, TagKeys: ["stage"] }));
      expect((await cd.send(new ListTagsForResourceCommand({ ResourceArn: app }))).Tags).toEqual([
        { Key: "team", Value: "b" },
      ]);
      expect((await cd.send(new ListTagsForResourceCommand({ ResourceArn: group }))).Tags).toEqual([
        { Key: "tier", Value: "1" },
      ]);
      const refused = async (arn: string) =>
        (await failure(cd.send(new ListTagsForResourceCommand({ ResourceArn: arn })))).name;
      expect(await refused("not-an-arn")).toBe("InvalidArnException");
      expect(await refused(app.replace(":web", ":nope"))).toBe("ApplicationDoesNotExistException");
      expect(await refused(`${group}/../../etc`)).toBe("DeploymentGroupDoesNotExistException");
      expect(await refused(app.replace(server.config.accountId, "999999999999"))).toBe(
        "ApplicationDoesNotExistException",
      );
      expect(
        await refused(
          `arn:aws:codedeploy:${server.config.region}:${server.config.accountId}:deploymentconfig:CodeDeployDefault.AllAtOnce`,
        ),
      ).toBe("ArnNotSupportedException");
    });

    it("registers, tags, lists and deregisters on-premises instances", async () => {
      const user = (name: string) => `arn:aws:iam::${server.config.accountId}:user/${name}`;
      const session = `arn:aws:sts::${server.config.accountId}:assumed-role/OnPrem/host-b`;
      await cd.send(new RegisterOnPremisesInstanceCommand({ instanceName: "host-a", iamUserArn: user("a") }));
      await cd.send(
        new RegisterOnPremisesInstanceCommand({ instanceName: "host-b", iamSessionArn: session }),
      );
      await cd.send(new RegisterOnPremisesInstanceCommand({ instanceName: "host-c", iamUserArn: user("c") }));
      await cd.send(
        new AddTagsToOnPremisesInstancesCommand({
          instanceNames: ["host-a", "host-b"],
          tags: [
            { Key: "env", Value: "prod" },
            { Key: "role", Value: "web" },
          ],
        }),
      );
      await cd.send(
        new RemoveTagsFromOnPremisesInstancesCommand({
          instanceNames: ["host-b"],
          tags: [{ Key: "role", Value: "web" }],
        }),
      );
      const a = (await cd.send(new GetOnPremisesInstanceCommand({ instanceName: "host-a" }))).instanceInfo!;
      expect(a).toMatchObject({
        instanceName: "host-a",
        iamUserArn: user("a"),
        instanceArn: `arn:aws:codedeploy:${server.config.region}:${server.config.accountId}:instance/host-a`,
        tags: [
          { Key: "env", Value: "prod" },
          { Key: "role", Value: "web" },
        ],
      });
      expect(a.registerTime).toBeInstanceOf(Date);

      const list = async (
        input: NonNullable<ConstructorParameters<typeof ListOnPremisesInstancesCommand>[0]>,
      ) => (await cd.send(new ListOnPremisesInstancesCommand(input))).instanceNames;
      expect(await list({})).toEqual(["host-a", "host-b", "host-c"]);
      expect(await list({ tagFilters: [{ Key: "role", Value: "web", Type: "KEY_AND_VALUE" }] })).toEqual([
        "host-a",
      ]);
      expect(await list({ tagFilters: [{ Value: "prod", Type: "VALUE_ONLY" }] })).toEqual([
        "host-a",
        "host-b",
      ]);

      await cd.send(new DeregisterOnPremisesInstanceCommand({ instanceName: "host-c" }));
      expect(await list({ registrationStatus: "Registered" })).toEqual(["host-a", "host-b"]);
      expect(await list({ registrationStatus: "Deregistered" })).toEqual(["host-c"]);
      const batch = await cd.send(
        new BatchGetOnPremisesInstancesCommand({ instanceNames: ["host-c", "never"] }),
      );
      expect(batch.instanceInfos?.map((i) => [i.instanceName, i.deregisterTime instanceof Date])).toEqual([
        ["host-c", true],
      ]);

      const register = async (input: Record<string, string>) =>
        (await failure(cd.send(new RegisterOnPremisesInstanceCommand(input as never)))).name;
      expect(await register({ instanceName: "host-a", iamUserArn: user("z") })).toBe(
        "InstanceNameAlreadyRegisteredException",
      );
      expect(await register({ instanceName: "host-d", iamUserArn: user("a") })).toBe(
        "IamUserArnAlreadyRegisteredException",
      );
      expect(await register({ instanceName: "host-d", iamSessionArn: session })).toBe(
        "IamSessionArnAlreadyRegisteredException",
      );
      expect(await register({ instanceName: "host-d" })).toBe("IamArnRequiredException");
      expect(await register({ instanceName: "host-d", iamUserArn: user("d"), iamSessionArn: session })).toBe(
        "MultipleIamArnsProvidedException",
      );
      expect(await register({ instanceName: "host-d", iamUserArn: "arn:aws:iam::1:role/x" })).toBe(
        "InvalidIamUserArnException",
      );
      expect(await register({ instanceName: "host-d", iamSessionArn: "arn:aws:iam::1:user/x" })).toBe(
        "InvalidIamSessionArnException",
      );
      expect(await register({ instanceName: "../host", iamUserArn: user("e") })).toBe(
        "InvalidInstanceNameException",
      );
      expect(await register({ instanceName: "", iamUserArn: user("e") })).toBe(
        "InstanceNameRequiredException",
      );
      // A deregistered instance's name and identity can be registered again.
      await cd.send(new RegisterOnPremisesInstanceCommand({ instanceName: "host-c", iamUserArn: user("c") }));

      expect((await failure(cd.send(new GetOnPremisesInstanceCommand({ instanceName: "never" })))).name).toBe(
        "InstanceNotRegisteredException",
      );
      const tag = async (input: Record<string, unknown>) =>
        (await failure(cd.send(new AddTagsToOnPremisesInstancesCommand(input as never)))).name;
      expect(await tag({ instanceNames: ["never"], tags: [{ Key: "a", Value: "b" }] })).toBe(
        "InstanceNotRegisteredException",
      );
      expect(await tag({ instanceNames: ["host-a"], tags: [] })).toBe("TagRequiredException");
      expect(await tag({ instanceNames: ["host-a"], tags: [{ Key: "", Value: "b" }] })).toBe(
        "InvalidTagException",
      );
      expect(
        await tag({
          instanceNames: Array.from({ length: 11 }, (_, i) => `h${i}`),
          tags: [{ Key: "a", Value: "b" }],
        }),
      ).toBe("InstanceLimitExceededException");
      expect(
        await tag({
          instanceNames: ["host-a"],
          tags: Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" })),
        }),
      ).toBe("TagLimitExceededException");
      expect(
        (await failure(cd.send(new ListOnPremisesInstancesCommand({ registrationStatus: "Lost" as never }))))
          .name,
      ).toBe("InvalidRegistrationStatusException");
    });

    it("deletes an application with its groups and revisions", async () => {
      await cd.send(new DeleteApplicationCommand({ applicationName: "web" }));
      await cd.send(new CreateApplicationCommand({ applicationName: "web" }));
      expect(
        (await cd.send(new ListDeploymentGroupsCommand({ applicationName: "web" }))).deploymentGroups,
      ).toEqual([]);
      expect(
        (await cd.send(new ListApplicationRevisionsCommand({ applicationName: "web" }))).revisions,
      ).toEqual([]);
    });

    it("answers malformed requests with AWS's errors", async () => {
      const target = (op: string) => `CodeDeploy_20141006.${op}`;
      const signed = { service: "codedeploy" };
      const bad = await jsonCall(server, target("GetApplication"), "{not json", signed);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { __type: string }).__type).toContain("SerializationException");
      const unknown = await jsonCall(server, target("CreateDeployment9"), "{}", signed);
      expect(((await unknown.json()) as { __type: string }).__type).toContain("UnknownOperationException");
      const proto = await jsonCall(
        server,
        target("CreateApplication"),
        JSON.stringify({ applicationName: "proto", tags: [{ Key: "__proto__", Value: "x" }] }),
        signed,
      );
      expect(proto.status).toBe(200);
      const tags = await cd.send(
        new ListTagsForResourceCommand({
          ResourceArn: `arn:aws:codedeploy:${server.config.region}:${server.config.accountId}:application:proto`,
        }),
      );
      expect(tags.Tags).toEqual([{ Key: "__proto__", Value: "x" }]);
    });
  });
}
