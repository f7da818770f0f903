import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, openTestStore } from "../../../test/support/stores.js";
import type { Store } from "../../platform/store/index.js";
import { requireApplication } from "./applications/rows.js";
import { requireDeploymentConfig } from "./configs/rows.js";
import { recordGroupDeployment, requireDeploymentGroup } from "./groups/rows.js";
import { instanceByHostIdentifier, instancesMatching } from "./instances/rows.js";
import { findRevision, recordRevisionUsed } from "./revisions/rows.js";

// The functions the deployment engine reads CodeDeploy's tables through, on both dialects. Rows
// are written directly here; the operations that write them are tested end to end.

const scope = { accountId: "111111111111", region: "eu-west-1" };
const other = { accountId: "222222222222", region: "eu-west-1" };

for (const dialect of dialects()) {
  describe(`codedeploy rows (${dialect})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await openTestStore(dialect));
      await store.transaction(async (trx) => {
        await trx
          .insertInto("codedeploy_applications")
          .values({
            application_id: "app-1",
            account_id: scope.accountId,
            region: scope.region,
            name: "web",
            compute_platform: "Server",
            tags: "[]",
            created_at: 1_700_000_000_000,
          })
          .execute();
        await trx
          .insertInto("codedeploy_deployment_groups")
          .values({
            deployment_group_id: "group-1",
            account_id: scope.accountId,
            region: scope.region,
            application_id: "app-1",
            name: "prod",
            deployment_config_name: "CodeDeployDefault.HalfAtATime",
            info: JSON.stringify({
              deploymentConfigName: "CodeDeployDefault.HalfAtATime",
              computePlatform: "Server",
            }),
            tags: "[]",
            last_attempted: null,
            last_successful: null,
            target_revision: null,
            target_revision_key: null,
            created_at: 1_700_000_000_000,
          })
          .execute();
        const instance = (name: string, tags: Array<{ Key: string; Value: string }>, extra = {}) => ({
          account_id: scope.accountId,
          region: scope.region,
          name,
          iam_session_arn: null,
          iam_user_arn: null,
          tags: JSON.stringify(tags),
          register_time: 1_700_000_000_000,
          deregister_time: null,
          ...extra,
        });
        await trx
          .insertInto("codedeploy_instances")
          .values([
            instance(
              "a",
              [
                { Key: "env", Value: "prod" },
                { Key: "role", Value: "web" },
              ],
              {
                iam_user_arn: "arn:aws:iam::111111111111:user/a",
              },
            ),
            instance("b", [{ Key: "env", Value: "prod" }], {
              iam_session_arn: "arn:aws:sts::111111111111:assumed-role/r/b",
            }),
            instance("c", [{ Key: "role", Value: "web" }]),
            instance("gone", [{ Key: "env", Value: "prod" }], { deregister_time: 1_700_000_000_001 }),
            { ...instance("a", [{ Key: "env", Value: "prod" }]), account_id: other.accountId },
          ])
          .execute();
      });
    });
    afterAll(async () => cleanup());

    it("finds applications and refuses unknown ones with AWS's exception", async () => {
      await store.transaction(async (trx) => {
        expect(await requireApplication(trx, scope, "web")).toEqual({
          applicationId: "app-1",
          applicationName: "web",
          computePlatform: "Server",
          createTime: 1_700_000_000_000,
        });
        await expect(requireApplication(trx, other, "web")).rejects.toMatchObject({
          code: "ApplicationDoesNotExistException",
        });
      });
    });

    it("answers built-in configurations and refuses unknown ones", async () => {
      await store.transaction(async (trx) => {
        expect(await requireDeploymentConfig(trx, scope, "CodeDeployDefault.HalfAtATime")).toMatchObject({
          minimumHealthyHosts: { type: "FLEET_PERCENT", value: 50 },
          computePlatform: "Server",
        });
        await expect(requireDeploymentConfig(trx, scope, "Nope")).rejects.toMatchObject({
          code: "DeploymentConfigDoesNotExistException",
        });
      });
    });

    it("records a group's deployments and target revision", async () => {
      const revision = {
        revisionType: "S3" as const,
        s3Location: { bucket: "bundles", key: "web.zip", bundleType: "zip" as const },
      };
      await store.transaction(async (trx) => {
        const group = await requireDeploymentGroup(trx, scope, "web", "prod");
        expect(group).toMatchObject({
          applicationId: "app-1",
          deploymentGroupId: "group-1",
          info: { applicationName: "web", deploymentGroupName: "prod" },
        });
        await recordGroupDeployment(
          trx,
          group.deploymentGroupId,
          "lastAttempted",
          { deploymentId: "d-ABCDEFGHI", status: "InProgress", createTime: 5 },
          revision,
        );
        await recordRevisionUsed(trx, scope, "web", revision, 10);
        await recordRevisionUsed(trx, scope, "web", revision, 20);
        const row = await trx
          .selectFrom("codedeploy_deployment_groups")
          .selectAll()
          .where("deployment_group_id", "=", "group-1")
          .executeTakeFirstOrThrow();
        expect(JSON.parse(row.last_attempted!)).toEqual({
          deploymentId: "d-ABCDEFGHI",
          status: "InProgress",
          createTime: 5,
        });
        expect(JSON.parse(row.target_revision!)).toEqual(revision);
        const stored = await findRevision(trx, "app-1", revision);
        expect(Number(stored?.first_used_time)).toBe(10);
        expect(Number(stored?.last_used_time)).toBe(20);
        await expect(requireDeploymentGroup(trx, scope, "web", "staging")).rejects.toMatchObject({
          code: "DeploymentGroupDoesNotExistException",
        });
        await expect(requireDeploymentGroup(trx, scope, "api", "prod")).rejects.toMatchObject({
          code: "ApplicationDoesNotExistException",
        });
      });
    });

    it("selects registered instances by filters (OR) and tag sets (AND)", async () => {
      await store.transaction(async (trx) => {
        const names = async (match: Parameters<typeof instancesMatching>[2]) =>
          (await instancesMatching(trx, scope, match)).map((i) => i.instanceName);
        expect(await names({ tagFilters: [{ Key: "env", Value: "prod", Type: "KEY_AND_VALUE" }] })).toEqual([
          "a",
          "b",
        ]);
        expect(
          await names({
            tagFilters: [
              { Key: "env", Value: "prod", Type: "KEY_AND_VALUE" },
              { Key: "role", Type: "KEY_ONLY" },
            ],
          }),
        ).toEqual(["a", "b", "c"]);
        expect(
          await names({
            tagSet: [
              [{ Key: "env", Value: "prod", Type: "KEY_AND_VALUE" }],
              [{ Value: "web", Type: "VALUE_ONLY" }],
            ],
          }),
        ).toEqual(["a"]);
        expect(await names({})).toEqual([]);
      });
    });

    it("finds an agent's instance by its ARN, IAM user or IAM session", async () => {
      await store.transaction(async (trx) => {
        const arn = "arn:aws:codedeploy:eu-west-1:111111111111:instance/c";
        expect((await instanceByHostIdentifier(trx, scope, arn))?.instanceName).toBe("c");
        expect(
          (await instanceByHostIdentifier(trx, scope, "arn:aws:iam::111111111111:user/a"))?.instanceArn,
        ).toBe("arn:aws:codedeploy:eu-west-1:111111111111:instance/a");
        expect(
          (await instanceByHostIdentifier(trx, scope, "arn:aws:sts::111111111111:assumed-role/r/b"))
            ?.instanceName,
        ).toBe("b");
        expect(
          await instanceByHostIdentifier(
            trx,
            scope,
            "arn:aws:codedeploy:eu-west-1:111111111111:instance/gone",
          ),
        ).toBeUndefined();
        expect(await instanceByHostIdentifier(trx, other, arn)).toBeUndefined();
      });
    });
  });
}
