import type { Kysely } from "kysely";
import { parseArn } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { findApplication } from "../applications/rows.js";
import { codedeployError } from "../errors.js";
import { findGroup } from "../groups/rows.js";
import type { Scope } from "../scope.js";
import type { Tag } from "../shapes.js";

/** A taggable resource: its table and row, and the tags it has. */
export type TaggedResource =
  | { kind: "application"; applicationId: string; tags: Tag[] }
  | { kind: "deploymentgroup"; deploymentGroupId: string; tags: Tag[] };

/**
 * The application (`…:application:<name>`) or deployment group (`…:deploymentgroup:<app>/<group>`)
 * an ARN names: InvalidArnException for what is not a CodeDeploy ARN, ArnNotSupportedException for
 * other CodeDeploy resources, the resource's not-found exception for one this account lacks here.
 */
export async function resourceByArn(
  trx: Kysely<Database>,
  scope: Scope,
  arn: string | undefined,
): Promise<TaggedResource> {
  if (!arn) throw codedeployError("ResourceArnRequiredException", "ResourceArn is required.");
  const parts = parseArn(arn);
  if (
    !parts ||
    parts.service !== "codedeploy" ||
    !/^[0-9]{12}$/.test(parts.accountId) ||
    parts.region === ""
  ) {
    throw codedeployError(
      "InvalidArnException",
      `${JSON.stringify(arn)} is not a CodeDeploy ARN; an application's is arn:aws:codedeploy:<region>:<account>:application:<name>.`,
    );
  }
  const here = parts.accountId === scope.accountId && parts.region === scope.region;
  const colon = parts.resource.indexOf(":");
  const type = colon < 0 ? parts.resource : parts.resource.slice(0, colon);
  const rest = colon < 0 ? "" : parts.resource.slice(colon + 1);
  if (type === "application") {
    const app = here ? await findApplication(trx, scope, rest) : undefined;
    if (!app) throw codedeployError("ApplicationDoesNotExistException", `No application has the ARN ${arn}.`);
    return { kind: "application", applicationId: app.application_id, tags: JSON.parse(app.tags) as Tag[] };
  }
  if (type === "deploymentgroup") {
    const slash = rest.indexOf("/");
    const app = here && slash > 0 ? await findApplication(trx, scope, rest.slice(0, slash)) : undefined;
    const group = app ? await findGroup(trx, app.application_id, rest.slice(slash + 1)) : undefined;
    if (!group)
      throw codedeployError(
        "DeploymentGroupDoesNotExistException",
        `No deployment group has the ARN ${arn}.`,
      );
    return {
      kind: "deploymentgroup",
      deploymentGroupId: group.deployment_group_id,
      tags: JSON.parse(group.tags) as Tag[],
    };
  }
  throw codedeployError(
    "ArnNotSupportedException",
    `${arn} names a ${type}; tags are kept on applications and deployment groups.`,
  );
}

/** Replaces a resource's tags. */
export async function setResourceTags(
  trx: Kysely<Database>,
  resource: TaggedResource,
  tags: Tag[],
): Promise<void> {
  const value = JSON.stringify(tags);
  if (resource.kind === "application") {
    await trx
      .updateTable("codedeploy_applications")
      .set({ tags: value })
      .where("application_id", "=", resource.applicationId)
      .execute();
  } else {
    await trx
      .updateTable("codedeploy_deployment_groups")
      .set({ tags: value })
      .where("deployment_group_id", "=", resource.deploymentGroupId)
      .execute();
  }
}
