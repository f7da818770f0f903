import type { Kysely, Selectable } from "kysely";
import { formatArn } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { requireApplicationRow, type ApplicationRow } from "../applications/rows.js";
import { deploymentGroupNotFound } from "../errors.js";
import { normalizedRevision, revisionKey } from "../revisions/identity.js";
import type { RevisionLocation } from "../revisions/shapes.js";
import type { Scope } from "../scope.js";
import type { Tag } from "../shapes.js";
import type { DeploymentGroupDeploymentFields, DeploymentGroupInfo, LastDeploymentInfo } from "./shapes.js";

export type { LastDeploymentInfo } from "./shapes.js";
export type DeploymentGroupRow = Selectable<Database["codedeploy_deployment_groups"]>;

/** What the `info` column holds: the group's settings, without the names and id kept in columns. */
export type StoredGroupSettings = Omit<
  DeploymentGroupInfo,
  "applicationName" | "deploymentGroupId" | "deploymentGroupName"
>;

/** A deployment group as deployments read it. */
export interface StoredDeploymentGroup {
  applicationId: string;
  applicationName: string;
  deploymentGroupId: string;
  deploymentGroupName: string;
  /** The group as GetDeploymentGroup returns it (camelCase AWS shape), without lastSuccessfulDeployment/lastAttemptedDeployment/targetRevision. */
  info: DeploymentGroupInfo;
}

/** `arn:aws:codedeploy:<region>:<account>:deploymentgroup:<application>/<group>`. */
export function deploymentGroupArn(scope: Scope, applicationName: string, groupName: string): string {
  return formatArn({
    service: "codedeploy",
    region: scope.region,
    accountId: scope.accountId,
    resource: `deploymentgroup:${applicationName}/${groupName}`,
  });
}

/** The group's `DeploymentGroupInfo` (without what deployments record). */
export function groupInfo(app: Pick<ApplicationRow, "name">, row: DeploymentGroupRow): DeploymentGroupInfo {
  const settings = JSON.parse(row.info) as StoredGroupSettings;
  return {
    applicationName: app.name,
    deploymentGroupId: row.deployment_group_id,
    deploymentGroupName: row.name,
    ...settings,
  };
}

/** The members GetDeploymentGroup adds from what the deployment engine recorded. */
export function groupDeploymentFields(row: DeploymentGroupRow): DeploymentGroupDeploymentFields {
  const withDates = (json: string | null) => {
    if (json === null) return undefined;
    const info = JSON.parse(json) as LastDeploymentInfo;
    return {
      deploymentId: info.deploymentId,
      status: info.status,
      ...(info.endTime !== undefined ? { endTime: info.endTime } : {}),
      createTime: info.createTime,
    };
  };
  const lastSuccessful = withDates(row.last_successful);
  const lastAttempted = withDates(row.last_attempted);
  return {
    ...(lastSuccessful ? { lastSuccessfulDeployment: lastSuccessful } : {}),
    ...(lastAttempted ? { lastAttemptedDeployment: lastAttempted } : {}),
    ...(row.target_revision !== null
      ? { targetRevision: JSON.parse(row.target_revision) as RevisionLocation }
      : {}),
  };
}

/** The group called `name` of application `applicationId`, or undefined. */
export async function findGroup(
  trx: Kysely<Database>,
  applicationId: string,
  name: string,
): Promise<DeploymentGroupRow | undefined> {
  return trx
    .selectFrom("codedeploy_deployment_groups")
    .selectAll()
    .where("application_id", "=", applicationId)
    .where("name", "=", name)
    .executeTakeFirst();
}

/** The group row, or DeploymentGroupDoesNotExistException. */
export async function requireGroupRow(
  trx: Kysely<Database>,
  app: ApplicationRow,
  name: string,
): Promise<DeploymentGroupRow> {
  const row = await findGroup(trx, app.application_id, name);
  if (!row) throw deploymentGroupNotFound(app.name, name);
  return row;
}

/**
 * The deployment group `groupName` of application `applicationName`, or
 * ApplicationDoesNotExistException / DeploymentGroupDoesNotExistException.
 */
export async function requireDeploymentGroup(
  trx: Kysely<Database>,
  scope: Scope,
  applicationName: string,
  groupName: string,
): Promise<StoredDeploymentGroup> {
  const app = await requireApplicationRow(trx, scope, applicationName);
  const row = await requireGroupRow(trx, app, groupName);
  return {
    applicationId: app.application_id,
    applicationName: app.name,
    deploymentGroupId: row.deployment_group_id,
    deploymentGroupName: row.name,
    info: groupInfo(app, row),
  };
}

/**
 * Records a deployment of the group as its last attempted or last successful one (what
 * GetDeploymentGroup answers); with `targetRevision`, also the revision the group now targets
 * (GetApplicationRevision lists the groups whose target a revision is).
 */
export async function recordGroupDeployment(
  trx: Kysely<Database>,
  deploymentGroupId: string,
  which: "lastAttempted" | "lastSuccessful",
  info: LastDeploymentInfo,
  targetRevision?: RevisionLocation,
): Promise<void> {
  const stored = JSON.stringify({
    deploymentId: info.deploymentId,
    status: info.status,
    ...(info.endTime !== undefined ? { endTime: info.endTime } : {}),
    createTime: info.createTime,
  });
  const target = targetRevision ? normalizedRevision(targetRevision) : undefined;
  await trx
    .updateTable("codedeploy_deployment_groups")
    .set({
      ...(which === "lastAttempted" ? { last_attempted: stored } : { last_successful: stored }),
      ...(target
        ? { target_revision: JSON.stringify(target), target_revision_key: revisionKey(target) }
        : {}),
    })
    .where("deployment_group_id", "=", deploymentGroupId)
    .execute();
}

export function groupTags(row: DeploymentGroupRow): Tag[] {
  return JSON.parse(row.tags) as Tag[];
}
