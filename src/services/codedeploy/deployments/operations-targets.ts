import { z } from "zod";
import { decodePageToken, encodePageToken, operation } from "../../kit/index.js";
import { boundedPage, examinedFor } from "../pagination.js";
import { deploymentError } from "./errors.js";
import { renderInstanceSummary, renderTarget } from "./render.js";
import { findTarget, requireDeployment, type TargetRow } from "./rows.js";
import { DeploymentId } from "./shapes.js";

// A deployment's instances, both ways AWS lists them: targets (ListDeploymentTargets,
// BatchGetDeploymentTargets, GetDeploymentTarget) and the older, deprecated instances
// (ListDeploymentInstances, BatchGetDeploymentInstances, GetDeploymentInstance).

const STATUSES = ["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Unknown", "Ready"] as const;
const TargetId = z.string().min(1).max(256);

const badToken = () =>
  deploymentError(
    "InvalidNextTokenException",
    "The nextToken is not valid: pass the one the previous call returned.",
  );

/** Where a target listing resumes: after the target at position `p`. */
const isAfterPosition = (position: unknown): position is { p: number } =>
  typeof position === "object" && position !== null && Number.isInteger((position as { p?: unknown }).p);

/**
 * A page of a deployment's targets in the order it took them, filtered by status and label. Those
 * filters are not in the index: a filtered page looks at no more than EXAMINED_PER_PAGE targets
 * and may come back short.
 */
async function targetPage(
  trx: Parameters<typeof findTarget>[0],
  deploymentId: string,
  filters: { statuses?: string[]; labels?: string[] },
  listing: string,
  nextToken: string | undefined,
): Promise<{ ids: string[]; nextToken?: string }> {
  const after = decodePageToken(nextToken, listing, isAfterPosition, badToken);
  const statuses = new Set(filters.statuses ?? []);
  const labels = new Set(filters.labels ?? []);
  const examined = examinedFor(statuses.size > 0 || labels.size > 0);
  const rows = await trx
    .selectFrom("codedeploy_deployment_targets")
    .select(["target_id", "position", "status", "label"])
    .where("deployment_id", "=", deploymentId)
    .$if(after !== undefined, (q) => q.where("position", ">", after!.p))
    .orderBy("position")
    .limit(examined)
    .execute();
  const { page, resumeAfter } = boundedPage(
    rows,
    examined,
    (r) =>
      (statuses.size === 0 || statuses.has(r.status)) &&
      (labels.size === 0 || (r.label !== null && labels.has(r.label))),
  );
  return {
    ids: page.map((r) => r.target_id),
    ...(resumeAfter ? { nextToken: encodePageToken(listing, { p: resumeAfter.position }) } : {}),
  };
}

async function requireTarget(
  trx: Parameters<typeof findTarget>[0],
  deploymentId: string,
  id: string,
  code: string,
): Promise<TargetRow> {
  const target = await findTarget(trx, deploymentId, id);
  if (!target) throw deploymentError(code, `Instance ${id} is not a target of deployment ${deploymentId}.`);
  return target;
}

export function listDeploymentTargets() {
  return operation({
    name: "ListDeploymentTargets",
    input: z.object({
      deploymentId: DeploymentId,
      nextToken: z.string().optional(),
      targetFilters: z
        .partialRecord(z.enum(["TargetStatus", "ServerInstanceLabel"]), z.array(z.string()))
        .optional(),
    }),
    handler: async (input, ctx) => {
      const deployment = await requireDeployment(ctx.trx, ctx, input.deploymentId);
      const statuses = input.targetFilters?.TargetStatus;
      const labels = input.targetFilters?.ServerInstanceLabel;
      for (const s of statuses ?? []) {
        if (!(STATUSES as readonly string[]).includes(s)) {
          throw deploymentError(
            "InvalidTargetFilterNameException",
            `targetFilters.TargetStatus: ${s} is not one of ${STATUSES.join(", ")}.`,
          );
        }
      }
      const page = await targetPage(
        ctx.trx,
        deployment.deployment_id,
        { ...(statuses ? { statuses } : {}), ...(labels ? { labels } : {}) },
        `ListDeploymentTargets/${deployment.deployment_id}/${JSON.stringify(input.targetFilters ?? {})}`,
        input.nextToken,
      );
      return { targetIds: page.ids, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  });
}

export function batchGetDeploymentTargets() {
  return operation({
    name: "BatchGetDeploymentTargets",
    input: z.object({ deploymentId: DeploymentId, targetIds: z.array(TargetId) }),
    handler: async (input, ctx) => {
      if (input.targetIds.length > 25)
        throw deploymentError(
          "DeploymentTargetListSizeExceededException",
          "At most 25 targetIds can be asked for at once.",
        );
      const deployment = await requireDeployment(ctx.trx, ctx, input.deploymentId);
      const deploymentTargets = [];
      for (const id of input.targetIds) {
        deploymentTargets.push(
          renderTarget(
            await requireTarget(
              ctx.trx,
              deployment.deployment_id,
              id,
              "DeploymentTargetDoesNotExistException",
            ),
          ),
        );
      }
      return { deploymentTargets };
    },
  });
}

export function getDeploymentTarget() {
  return operation({
    name: "GetDeploymentTarget",
    input: z.object({ deploymentId: DeploymentId, targetId: TargetId }),
    handler: async (input, ctx) => {
      const deployment = await requireDeployment(ctx.trx, ctx, input.deploymentId);
      const target = await requireTarget(
        ctx.trx,
        deployment.deployment_id,
        input.targetId,
        "DeploymentTargetDoesNotExistException",
      );
      return { deploymentTarget: renderTarget(target) };
    },
  });
}

export function listDeploymentInstances() {
  return operation({
    name: "ListDeploymentInstances",
    input: z.object({
      deploymentId: DeploymentId,
      nextToken: z.string().optional(),
      instanceStatusFilter: z.array(z.enum(STATUSES)).optional(),
      instanceTypeFilter: z.array(z.enum(["Blue", "Green"])).optional(),
    }),
    handler: async (input, ctx) => {
      const deployment = await requireDeployment(ctx.trx, ctx, input.deploymentId);
      const page = await targetPage(
        ctx.trx,
        deployment.deployment_id,
        {
          ...(input.instanceStatusFilter ? { statuses: input.instanceStatusFilter } : {}),
          ...(input.instanceTypeFilter ? { labels: input.instanceTypeFilter } : {}),
        },
        `ListDeploymentInstances/${deployment.deployment_id}/${JSON.stringify([input.instanceStatusFilter, input.instanceTypeFilter])}`,
        input.nextToken,
      );
      return { instancesList: page.ids, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  });
}

export function batchGetDeploymentInstances() {
  return operation({
    name: "BatchGetDeploymentInstances",
    input: z.object({ deploymentId: DeploymentId, instanceIds: z.array(TargetId) }),
    handler: async (input, ctx) => {
      if (input.instanceIds.length > 25)
        throw deploymentError(
          "BatchLimitExceededException",
          "At most 25 instanceIds can be asked for at once.",
        );
      const deployment = await requireDeployment(ctx.trx, ctx, input.deploymentId);
      const instancesSummary = [];
      const missing: string[] = [];
      for (const id of input.instanceIds) {
        const target = await findTarget(ctx.trx, deployment.deployment_id, id);
        if (target) instancesSummary.push(renderInstanceSummary(target));
        else missing.push(id);
      }
      return {
        instancesSummary,
        ...(missing.length > 0
          ? { errorMessage: `Not targets of ${deployment.deployment_id}: ${missing.join(", ")}` }
          : {}),
      };
    },
  });
}

export function getDeploymentInstance() {
  return operation({
    name: "GetDeploymentInstance",
    input: z.object({ deploymentId: DeploymentId, instanceId: TargetId }),
    handler: async (input, ctx) => {
      const deployment = await requireDeployment(ctx.trx, ctx, input.deploymentId);
      const target = await requireTarget(
        ctx.trx,
        deployment.deployment_id,
        input.instanceId,
        "InstanceDoesNotExistException",
      );
      return { instanceSummary: renderInstanceSummary(target) };
    },
  });
}
