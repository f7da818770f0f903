import { z } from "zod";
import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { decodePageToken, encodePageToken, operation } from "../../kit/index.js";
import { boundedPage, examinedFor } from "../pagination.js";
import { rolloutMinimumOf } from "../configs/built-ins.js";
import { requireDeploymentConfig } from "../configs/rows.js";
import { requireDeploymentGroup } from "../groups/rows.js";
import { continueBlueGreen } from "./blue-green.js";
import { createDeploymentRecord } from "./create.js";
import { finishDeployment } from "./engine.js";
import { deploymentError } from "./errors.js";
import { renderDeployment } from "./render.js";
import { FINAL_DEPLOYMENT_STATUSES, parsePlan, requireDeployment, type DeploymentPlan } from "./rows.js";
import type { DeploymentRuntime } from "./runtime.js";
import { CreateDeploymentShape, DeploymentId, type CreateDeploymentInput } from "./shapes.js";

/** Where an S3 revision lives, checked before a deployment is created. */
export interface RevisionObjects {
  /** The object's ETag, or undefined when the bucket or the key does not exist. */
  find(bucket: string, key: string): Promise<{ eTag: string } | undefined>;
}

/** The deployment's plan from the request, the group and its configuration. */
function planOf(
  input: CreateDeploymentInput,
  group: Awaited<ReturnType<typeof requireDeploymentGroup>>,
  minimumHealthyHosts: DeploymentPlan["minimumHealthyHosts"],
  revision: DeploymentPlan["revision"],
): DeploymentPlan {
  const info = group.info;
  const rollback = input.autoRollbackConfiguration ?? info.autoRollbackConfiguration;
  return {
    revision,
    ...(input.description !== undefined ? { description: input.description } : {}),
    ignoreApplicationStopFailures: input.ignoreApplicationStopFailures ?? false,
    ...(rollback ? { autoRollbackConfiguration: rollback } : {}),
    updateOutdatedInstancesOnly: input.updateOutdatedInstancesOnly ?? false,
    fileExistsBehavior: input.fileExistsBehavior ?? "DISALLOW",
    deploymentStyle: info.deploymentStyle,
    ...(input.targetInstances ? { targetInstances: input.targetInstances } : {}),
    ...(info.blueGreenDeploymentConfiguration
      ? { blueGreenDeploymentConfiguration: info.blueGreenDeploymentConfiguration }
      : {}),
    ...(info.loadBalancerInfo ? { loadBalancerInfo: info.loadBalancerInfo } : {}),
    ...(input.overrideAlarmConfiguration
      ? { overrideAlarmConfiguration: input.overrideAlarmConfiguration }
      : {}),
    minimumHealthyHosts,
    computePlatform: info.computePlatform,
  };
}

/**
 * CreateDeployment. Not one transaction from the start: an S3 revision is looked up in the S3 API
 * first (a missing object is refused here, naming it, rather than failing on every instance), then
 * the deployment is recorded and started in one transaction.
 */
export function createDeployment(rt: DeploymentRuntime, objects: RevisionObjects) {
  return operation({
    name: "CreateDeployment",
    input: CreateDeploymentShape,
    transactional: false,
    handler: async (input, ctx) => {
      const revision = await checkedRevision(input, objects);
      return rt.store.transaction(async (trx) => {
        return { deploymentId: (await startDeployment(rt, trx, ctx, input, revision)).deployment_id };
      });
    },
  });
}

/** Creates a deployment as CreateDeployment does, in `trx` (also used by pipelines). */
export async function startDeployment(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  scope: { accountId: string; region: string },
  input: CreateDeploymentInput,
  revision: DeploymentPlan["revision"],
  options: { creator?: string; externalId?: string } = {},
) {
  if (input.deploymentGroupName === undefined) {
    throw deploymentError(
      "DeploymentGroupNameRequiredException",
      "deploymentGroupName is required: name the deployment group to deploy to.",
    );
  }
  const group = await requireDeploymentGroup(trx, scope, input.applicationName, input.deploymentGroupName);
  const configName = input.deploymentConfigName ?? group.info.deploymentConfigName;
  const config = await requireDeploymentConfig(trx, scope, configName);
  return createDeploymentRecord(rt, trx, scope, {
    group,
    deploymentConfigName: config.deploymentConfigName,
    creator: options.creator ?? "user",
    plan: planOf(input, group, rolloutMinimumOf(config), revision),
    ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
  });
}

/** The request's revision, with an S3 object's ETag, or the AWS error for what is wrong with it. */
export async function checkedRevision(
  input: CreateDeploymentInput,
  objects: RevisionObjects,
): Promise<DeploymentPlan["revision"]> {
  const revision = input.revision;
  if (!revision) {
    throw deploymentError(
      "RevisionRequiredException",
      "revision is required: give an S3 location (revisionType S3) or AppSpecContent.",
    );
  }
  if (revision.revisionType === "AppSpecContent") {
    if (!revision.appSpecContent?.content) {
      throw deploymentError(
        "InvalidRevisionException",
        "revision.appSpecContent.content is required when revisionType is AppSpecContent.",
      );
    }
    return { revisionType: "AppSpecContent", appSpecContent: revision.appSpecContent };
  }
  if (revision.revisionType !== "S3") {
    throw deploymentError(
      "InvalidRevisionException",
      `revision.revisionType ${revision.revisionType} is not supported here: use S3 (a bundle in this server's S3 API) or AppSpecContent.`,
    );
  }
  const s3 = revision.s3Location;
  if (!s3?.bucket || !s3.key) {
    throw deploymentError(
      "InvalidRevisionException",
      "revision.s3Location needs a bucket and a key when revisionType is S3.",
    );
  }
  if (s3.bundleType === undefined || !["zip", "tar", "tgz"].includes(s3.bundleType)) {
    throw deploymentError(
      "InvalidRevisionException",
      `revision.s3Location.bundleType must be zip, tar or tgz for an on-premises deployment${s3.bundleType ? `, not ${s3.bundleType}` : ""}.`,
    );
  }
  const { bucket, key } = s3;
  const found = await objects.find(bucket, key);
  if (!found) {
    throw deploymentError(
      "RevisionDoesNotExistException",
      `The revision s3://${s3.bucket}/${s3.key} does not exist in this server's S3 API: upload it first (aws deploy push does both).`,
    );
  }
  if (s3.eTag !== undefined && s3.eTag.replace(/"/g, "") !== found.eTag.replace(/"/g, "")) {
    throw deploymentError(
      "InvalidRevisionException",
      `The revision s3://${s3.bucket}/${s3.key} has ETag ${found.eTag}, not the ${s3.eTag} the request names: the object changed since.`,
    );
  }
  return { revisionType: "S3", s3Location: { ...s3, eTag: s3.eTag ?? found.eTag.replace(/"/g, "") } };
}

export function getDeployment(_rt: DeploymentRuntime) {
  return operation({
    name: "GetDeployment",
    input: z.object({ deploymentId: DeploymentId }),
    handler: async (input, ctx) => ({
      deploymentInfo: await renderDeployment(
        ctx.trx,
        await requireDeployment(ctx.trx, ctx, input.deploymentId),
      ),
    }),
  });
}

export function batchGetDeployments(_rt: DeploymentRuntime) {
  return operation({
    name: "BatchGetDeployments",
    input: z.object({ deploymentIds: z.array(DeploymentId) }),
    handler: async (input, ctx) => {
      if (input.deploymentIds.length > 25) {
        throw deploymentError(
          "BatchLimitExceededException",
          "At most 25 deploymentIds can be asked for at once.",
        );
      }
      const deploymentsInfo: unknown[] = [];
      for (const id of input.deploymentIds) {
        const row = await ctx.trx
          .selectFrom("codedeploy_deployments")
          .selectAll()
          .where("deployment_id", "=", id)
          .where("account_id", "=", ctx.accountId)
          .where("region", "=", ctx.region)
          .executeTakeFirst();
        if (row) deploymentsInfo.push(await renderDeployment(ctx.trx, row));
      }
      return { deploymentsInfo };
    },
  });
}

const isCursor = (p: unknown): p is { t: number; id: string } =>
  typeof p === "object" &&
  p !== null &&
  typeof (p as { t?: unknown }).t === "number" &&
  typeof (p as { id?: unknown }).id === "string";
const badToken = () =>
  deploymentError(
    "InvalidNextTokenException",
    "The nextToken is not valid: pass the one the previous ListDeployments returned.",
  );

/** ListDeployments: newest first, by group, status, creation time or external ID. */
export function listDeployments(_rt: DeploymentRuntime) {
  return operation({
    name: "ListDeployments",
    input: z.object({
      applicationName: z.string().min(1).max(100).optional(),
      deploymentGroupName: z.string().min(1).max(100).optional(),
      externalId: z.string().optional(),
      includeOnlyStatuses: z
        .array(
          z.enum(["Created", "Queued", "InProgress", "Baking", "Succeeded", "Failed", "Stopped", "Ready"]),
        )
        .optional(),
      createTimeRange: z
        .object({ start: z.coerce.date().optional(), end: z.coerce.date().optional() })
        .optional(),
      nextToken: z.string().optional(),
    }),
    handler: async (input, ctx) => {
      if (input.deploymentGroupName !== undefined && input.applicationName === undefined) {
        throw deploymentError(
          "ApplicationNameRequiredException",
          "applicationName is required with deploymentGroupName.",
        );
      }
      if (input.applicationName !== undefined && input.deploymentGroupName === undefined) {
        throw deploymentError(
          "DeploymentGroupNameRequiredException",
          "deploymentGroupName is required with applicationName.",
        );
      }
      if (input.applicationName !== undefined && input.deploymentGroupName !== undefined) {
        await requireDeploymentGroup(ctx.trx, ctx, input.applicationName, input.deploymentGroupName);
      }
      const listing = `ListDeployments/${input.applicationName ?? ""}/${input.deploymentGroupName ?? ""}`;
      const after = decodePageToken(input.nextToken, listing, isCursor, badToken);
      // Statuses and external IDs are not in the listing's index: a page filtered by them looks at
      // no more than EXAMINED_PER_PAGE deployments and may come back short.
      const statuses = new Set<string>(input.includeOnlyStatuses ?? []);
      const filtered = statuses.size > 0 || input.externalId !== undefined;
      const examined = examinedFor(filtered);
      const rows = await ctx.trx
        .selectFrom("codedeploy_deployments")
        .select(["deployment_id", "create_time", "status", "external_id"])
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .$if(input.applicationName !== undefined, (q) =>
          q.where("application_name", "=", input.applicationName!),
        )
        .$if(input.deploymentGroupName !== undefined, (q) =>
          q.where("deployment_group_name", "=", input.deploymentGroupName!),
        )
        .$if(input.createTimeRange?.start !== undefined, (q) =>
          q.where("create_time", ">=", input.createTimeRange!.start!.getTime()),
        )
        .$if(input.createTimeRange?.end !== undefined, (q) =>
          q.where("create_time", "<=", input.createTimeRange!.end!.getTime()),
        )
        .$if(after !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb("create_time", "<", after!.t),
              eb.and([eb("create_time", "=", after!.t), eb("deployment_id", "<", after!.id)]),
            ]),
          ),
        )
        .orderBy("create_time", "desc")
        .orderBy("deployment_id", "desc")
        .limit(examined)
        .execute();
      const { page, resumeAfter } = boundedPage(
        rows,
        examined,
        (r) =>
          (statuses.size === 0 || statuses.has(r.status)) &&
          (input.externalId === undefined || r.external_id === input.externalId),
      );
      return {
        deployments: page.map((r) => r.deployment_id),
        ...(resumeAfter
          ? {
              nextToken: encodePageToken(listing, {
                t: Number(resumeAfter.create_time),
                id: resumeAfter.deployment_id,
              }),
            }
          : {}),
      };
    },
  });
}

/** StopDeployment: ends it now; instances in progress are told at their agent's next report. */
export function stopDeployment(rt: DeploymentRuntime) {
  return operation({
    name: "StopDeployment",
    input: z.object({ deploymentId: DeploymentId, autoRollbackEnabled: z.boolean().optional() }),
    handler: async (input, ctx) => {
      const deployment = await requireDeployment(ctx.trx, ctx, input.deploymentId, {
        lock: true,
        dialect: rt.store.dialect,
      });
      if (FINAL_DEPLOYMENT_STATUSES.has(deployment.status)) {
        throw deploymentError(
          "DeploymentAlreadyCompletedException",
          `Deployment ${deployment.deployment_id} has already ended (${deployment.status}).`,
        );
      }
      await finishDeployment(
        rt,
        ctx.trx,
        deployment,
        "Stopped",
        { code: "MANUAL_STOP", message: `The deployment was stopped by ${ctx.principal.arn}.` },
        input.autoRollbackEnabled !== undefined ? { rollback: input.autoRollbackEnabled } : {},
      );
      return { status: "Succeeded", statusMessage: `Deployment ${deployment.deployment_id} was stopped.` };
    },
  });
}

/** ContinueDeployment: a blue/green deployment waiting to reroute traffic, or to release its original instances, goes on now. */
export function continueDeployment(rt: DeploymentRuntime) {
  return operation({
    name: "ContinueDeployment",
    input: z.object({
      deploymentId: DeploymentId,
      deploymentWaitType: z.enum(["READY_WAIT", "TERMINATION_WAIT"]).optional(),
    }),
    handler: async (input, ctx) => {
      const deployment = await requireDeployment(ctx.trx, ctx, input.deploymentId, {
        lock: true,
        dialect: rt.store.dialect,
      });
      await continueBlueGreen(
        rt,
        ctx.trx,
        deployment,
        parsePlan(deployment),
        input.deploymentWaitType ?? "READY_WAIT",
      );
      return {};
    },
  });
}
