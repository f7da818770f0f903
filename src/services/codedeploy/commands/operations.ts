import { z } from "zod";
import { ServiceError } from "../../../core/index.js";
import { operation } from "../../kit/index.js";
import { completeEvent, markEventStarted } from "../deployments/engine.js";
import { catchUpInstance } from "../deployments/catch-up.js";
import { requireDeployment } from "../deployments/rows.js";
import type { Scope } from "../scope.js";
import { hostKey, type DeploymentRuntime } from "../deployments/runtime.js";
import {
  findInstance,
  instanceByHostIdentifier,
  storedInstance,
  type StoredInstance,
} from "../instances/rows.js";
import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { Principal, RequestContext } from "../../kit/index.js";
import { parseDiagnostics } from "./diagnostics.js";
import { deploymentSpecification } from "./spec.js";
import { endHostCommand, findHostCommand, nextPendingCommand, type HostCommandRow } from "./rows.js";

// CodeDeploy's command service, which agents poll (`CodeDeployCommandService_v20141006`; its model
// is public in AWS's agent repository). Its only errors are ClientException and ServerException.

/** How often a waiting long poll looks at the store anyway: commands created by another server. */
const RECHECK_MS = 1000;

function clientError(message: string): ServiceError {
  return new ServiceError("ClientException", message, { status: 400 });
}

const Envelope = z.object({
  Format: z.string().max(64).optional(),
  Payload: z
    .string()
    .max(64 * 1024)
    .optional(),
});
const HostIdentifier = z.string().min(1).max(1024);
const HostCommandIdentifier = z.string().min(1).max(128);

async function requireHost(
  trx: Kysely<Database>,
  ctx: RequestContext,
  hostIdentifier: string,
): Promise<StoredInstance> {
  const instance = await instanceByHostIdentifier(trx, ctx, hostIdentifier);
  if (!instance) {
    throw clientError(
      `HostIdentifier ${hostIdentifier} is not a registered on-premises instance: register it with ` +
        `RegisterOnPremisesInstance (its instance ARN, IAM session ARN or IAM user ARN identifies the host).`,
    );
  }
  checkSpeaksFor(ctx.principal, instance, hostIdentifier);
  return instance;
}

/**
 * An instance registered with an IAM user ARN is that user's: only its keys
 * may poll and report for it, so one host's credentials cannot take or finish another's commands.
 * An IAM session ARN cannot be checked here (no role sessions are issued), so such an instance
 * answers any principal of the account allowed to call the command service.
 */
function checkSpeaksFor(principal: Principal, instance: StoredInstance, host: string): void {
  if (instance.iamUserArn === undefined || principal.arn === instance.iamUserArn) return;
  throw clientError(
    `${principal.arn} cannot act for ${host}: the instance ${instance.instanceName} is registered to ` +
      `${instance.iamUserArn}; run its agent with that user's access keys.`,
  );
}

async function requireCommand(
  rt: DeploymentRuntime,
  trx: Kysely<Database>,
  ctx: RequestContext,
  id: string,
): Promise<HostCommandRow> {
  const command = await findHostCommand(trx, id, rt.store.dialect);
  if (!command || command.account_id !== ctx.accountId || command.region !== ctx.region) {
    throw clientError(
      `HostCommandIdentifier ${id} names no host command: use the one PollHostCommand returned.`,
    );
  }
  const row = await findInstance(trx, ctx, command.instance_name);
  if (row) checkSpeaksFor(ctx.principal, storedInstance(row), command.instance_name);
  return command;
}

/** PollHostCommand: the instance's next command, waiting up to the hold time for one (a long poll). */
export function pollHostCommand(rt: DeploymentRuntime) {
  return operation({
    name: "PollHostCommand",
    input: z.object({ HostIdentifier }),
    transactional: false,
    handler: async (input, ctx) => {
      const instance = await requireHost(ctx.trx, ctx, input.HostIdentifier);
      const key = hostKey({ account_id: ctx.accountId, region: ctx.region }, instance.instanceName);
      await catchUp(rt, ctx, instance);
      const deadline = Date.now() + rt.timeouts.pollHoldMs;
      for (;;) {
        const command = await nextPendingCommand(ctx.trx, ctx, instance.instanceName);
        if (command) {
          return {
            HostCommand: {
              HostCommandIdentifier: command.host_command_id,
              HostIdentifier: input.HostIdentifier,
              DeploymentExecutionId: command.deployment_id,
              CommandName: command.command_name,
              Nonce: Number(command.nonce),
            },
          };
        }
        const left = deadline - Date.now();
        if (left <= 0) return {};
        await rt.hosts.wait(key, Math.min(left, RECHECK_MS));
      }
    },
  });
}

/** A polling instance its groups have left behind gets their last successful revision (see catch-up.ts). */
async function catchUp(rt: DeploymentRuntime, scope: Scope, instance: StoredInstance): Promise<void> {
  try {
    const started = await rt.store.transaction((trx) => catchUpInstance(rt, trx, scope, instance));
    if (started.length) {
      rt.logger.info(
        { instance: instance.instanceName, deployments: started },
        "late-joining instance caught up",
      );
    }
  } catch (err) {
    // Polling goes on: the next poll tries again.
    rt.logger.warn(
      { err, instance: instance.instanceName },
      "could not bring a late-joining instance up to date",
    );
  }
}

/** PutHostCommandAcknowledgement: the agent starts the command, unless it was cancelled meanwhile. */
export function putHostCommandAcknowledgement(rt: DeploymentRuntime) {
  return operation({
    name: "PutHostCommandAcknowledgement",
    input: z.object({ HostCommandIdentifier, Diagnostics: Envelope.optional() }),
    handler: async (input, ctx) => {
      const command = await requireCommand(rt, ctx.trx, ctx, input.HostCommandIdentifier);
      if (command.status !== "Pending") return { CommandStatus: command.status };
      const now = rt.clock.now();
      await ctx.trx
        .updateTable("codedeploy_host_commands")
        .set({ status: "InProgress", acknowledged_at: now, heartbeat_at: now })
        .where("host_command_id", "=", command.host_command_id)
        .execute();
      await markEventStarted(rt, ctx.trx, command.deployment_id, command.instance_name, command.command_name);
      return { CommandStatus: "InProgress" };
    },
  });
}

/** PostHostCommandUpdate: the agent is still at it (a heartbeat); answers Failed when the command was cancelled. */
export function postHostCommandUpdate(rt: DeploymentRuntime) {
  return operation({
    name: "PostHostCommandUpdate",
    input: z.object({
      HostCommandIdentifier,
      EstimatedCompletionTime: z.unknown().optional(),
      Diagnostics: Envelope.optional(),
    }),
    handler: async (input, ctx) => {
      const command = await requireCommand(rt, ctx.trx, ctx, input.HostCommandIdentifier);
      if (command.status === "InProgress" || command.status === "Pending") {
        await ctx.trx
          .updateTable("codedeploy_host_commands")
          .set({ heartbeat_at: rt.clock.now() })
          .where("host_command_id", "=", command.host_command_id)
          .execute();
      }
      return { CommandStatus: command.status };
    },
  });
}

/** PutHostCommandComplete: how the command ended; the deployment moves on in the same commit. */
export function putHostCommandComplete(rt: DeploymentRuntime) {
  return operation({
    name: "PutHostCommandComplete",
    input: z.object({
      HostCommandIdentifier,
      CommandStatus: z.enum(["Pending", "InProgress", "Succeeded", "Failed"]),
      Diagnostics: Envelope.optional(),
    }),
    handler: async (input, ctx) => {
      const command = await requireCommand(rt, ctx.trx, ctx, input.HostCommandIdentifier);
      if (command.status !== "Pending" && command.status !== "InProgress") return {};
      if (input.CommandStatus !== "Succeeded" && input.CommandStatus !== "Failed") {
        throw clientError(
          `CommandStatus must be Succeeded or Failed to complete a command, not ${input.CommandStatus}.`,
        );
      }
      const now = rt.clock.now();
      await endHostCommand(
        rt,
        ctx.trx,
        command.host_command_id,
        input.CommandStatus,
        now,
        input.Diagnostics?.Payload,
      );
      const diagnostics = parseDiagnostics(input.Diagnostics);
      await completeEvent(rt, ctx.trx, command.deployment_id, command.instance_name, command.command_name, {
        status: input.CommandStatus,
        ...(diagnostics ? { diagnostics } : {}),
      });
      return {};
    },
  });
}

/** GetDeploymentSpecification: what to deploy, for an instance that is one of the deployment's targets. */
export function getDeploymentSpecification() {
  return operation({
    name: "GetDeploymentSpecification",
    input: z.object({ DeploymentExecutionId: z.string().min(1).max(128), HostIdentifier }),
    handler: async (input, ctx) => {
      const instance = await requireHost(ctx.trx, ctx, input.HostIdentifier);
      const deployment = await requireDeployment(ctx.trx, ctx, input.DeploymentExecutionId).catch(() => {
        throw clientError(`DeploymentExecutionId ${input.DeploymentExecutionId} names no deployment.`);
      });
      const target = await ctx.trx
        .selectFrom("codedeploy_deployment_targets")
        .select("target_id")
        .where("deployment_id", "=", deployment.deployment_id)
        .where("target_id", "=", instance.instanceName)
        .executeTakeFirst();
      if (!target) {
        throw clientError(
          `Instance ${instance.instanceName} is not a target of deployment ${deployment.deployment_id}.`,
        );
      }
      return {
        DeploymentSystem: "CodeDeploy",
        DeploymentSpecification: {
          GenericEnvelope: {
            Format: "TEXT/JSON",
            Payload: JSON.stringify(deploymentSpecification(deployment)),
          },
        },
      };
    },
  });
}
