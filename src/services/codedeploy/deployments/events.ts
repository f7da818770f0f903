import type { Kysely } from "kysely";
import { formatArn } from "../../../core/index.js";
import type { Bus } from "../../../platform/bus/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { DeploymentRow, TargetRow } from "./rows.js";

// CodeDeploy's two state-change events ("Monitoring deployments with Amazon EventBridge"), in AWS's
// shapes, so rules written for AWS match them unchanged.

export const DEPLOYMENT_EVENT = "CodeDeploy Deployment State-change Notification";
export const INSTANCE_EVENT = "CodeDeploy Instance State-change Notification";

/**
 * Pipewright's own event (AWS has none this fine): one lifecycle event of one instance started or
 * ended. Its source is `pipewright.codedeploy`, so rules written for AWS's `aws.codedeploy` never
 * match it; the console's deployment page is pushed by it.
 */
export const LIFECYCLE_EVENT = "CodeDeploy Lifecycle Event Change";

/** A deployment's or an instance's state as the events spell it. */
export type EventState = "START" | "SUCCESS" | "FAILURE" | "STOP" | "READY" | "QUEUED" | "RESUME";

function groupResources(d: DeploymentRow): string[] {
  const arn = (resource: string) =>
    formatArn({ service: "codedeploy", region: d.region, accountId: d.account_id, resource });
  return [
    arn(`application:${d.application_name}`),
    arn(`deploymentgroup:${d.application_name}/${d.deployment_group_name}`),
  ];
}

function identity(d: DeploymentRow): Record<string, unknown> {
  return {
    instanceGroupId: d.deployment_group_id,
    region: d.region,
    application: d.application_name,
    deploymentId: d.deployment_id,
    deploymentGroup: d.deployment_group_name,
  };
}

function detail(d: DeploymentRow, state: EventState): Record<string, unknown> {
  return { ...identity(d), state };
}

export async function emitDeploymentEvent(
  bus: Bus,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  state: EventState,
): Promise<void> {
  await bus.emit(trx, {
    source: "aws.codedeploy",
    detailType: DEPLOYMENT_EVENT,
    account: deployment.account_id,
    region: deployment.region,
    resources: groupResources(deployment),
    detail: detail(deployment, state),
  });
}

export async function emitInstanceEvent(
  bus: Bus,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  target: TargetRow,
  state: EventState,
): Promise<void> {
  await bus.emit(trx, {
    source: "aws.codedeploy",
    detailType: INSTANCE_EVENT,
    account: deployment.account_id,
    region: deployment.region,
    resources: [target.target_arn, ...groupResources(deployment)],
    detail: { instanceId: target.target_id, ...detail(deployment, state) },
  });
}

export async function emitLifecycleEvent(
  bus: Bus,
  trx: Kysely<Database>,
  deployment: DeploymentRow,
  target: TargetRow,
  event: { lifecycleEventName: string; status: string },
): Promise<void> {
  await bus.emit(trx, {
    source: "pipewright.codedeploy",
    detailType: LIFECYCLE_EVENT,
    account: deployment.account_id,
    region: deployment.region,
    resources: [target.target_arn, ...groupResources(deployment)],
    detail: {
      instanceId: target.target_id,
      lifecycleEventName: event.lifecycleEventName,
      lifecycleEventStatus: event.status,
      ...identity(deployment),
    },
  });
}
