/**
 * The agent's loop: register the instance, then poll for host commands and, for each, fetch the
 * deployment's specification (once per deployment: it depends on nothing else), acknowledge
 * (saying whether it is a noop), execute it while sending heartbeats (a Failed answer means the
 * deployment was stopped: its scripts are killed), and report completion with AWS's diagnostics.
 * Each step is one line of the log.
 */
import { setTimeout as sleep } from "node:timers/promises";
// Modules, not core/index: an idle agent has no use for the server's config schema (zod).
import { formatArn } from "../core/ids.js";
import type { SigningKey } from "../core/signed-request.js";
import { AgentApi, backoffDelay, type AgentApiOptions, type HostCommand } from "./api.js";
import type { DeploymentSpec } from "./deployment-spec.js";
import { CommandFailure } from "./errors.js";
import { CommandExecutor } from "./executor.js";
import { RootPath } from "./root-path.js";

/** How to run an agent. */
export interface AgentOptions {
  /** Server URL, e.g. `http://127.0.0.1:4280`. */
  endpoint: string;
  /** Credentials and region requests are signed with. */
  key: SigningKey;
  /** The on-premises instance name it registers as. */
  name: string;
  /** Tags added to the instance at start; default none. */
  tags?: Array<{ Key: string; Value: string }>;
  /** The directory treated as `/` for destinations and state; default `/`. */
  root?: string;
  /** Exit after the deployment's last lifecycle event completes or any command fails; default false. */
  once?: boolean;
  /** Ends the loop: the poll stops at once, a running command finishes and is reported first. */
  signal?: AbortSignal;
  /** Where log lines go; default stdout with a timestamp. */
  log?: (line: string) => void;
  /** Milliseconds between heartbeats of a running command; default 5,000. */
  heartbeatMs?: number;
  /** Seconds between SIGTERM and SIGKILL of a hook's tree; default 5. */
  killGraceSeconds?: number;
  /** Revisions kept per deployment group; default 5. */
  retainedRevisions?: number;
  /** Client timeouts and backoff (see {@link AgentApiOptions}). */
  api?: Omit<AgentApiOptions, "endpoint" | "key">;
}

/** How a run of the agent ended. */
export interface AgentResult {
  /** The instance's HostIdentifier (its IAM session ARN). */
  hostIdentifier: string;
  /** Commands completed, in order. */
  completed: Array<{ commandName: string; deploymentId: string; status: "Succeeded" | "Failed" }>;
  /** True when a command failed (with `once`, the reason it exited). */
  failed: boolean;
}

/** Runs the agent until `signal` aborts it or, with `once`, its deployment ends. */
export async function runAgent(options: AgentOptions): Promise<AgentResult> {
  const log = options.log ?? ((line: string) => console.log(`${new Date().toISOString()} ${line}`));
  const api = new AgentApi({ endpoint: options.endpoint, key: options.key, ...options.api });
  const root = await RootPath.of(options.root ?? "/");
  const executor = new CommandExecutor({
    root,
    fetchBundle: (revision, file) => api.getObject(revision, file),
    ...(options.retainedRevisions !== undefined ? { retainedRevisions: options.retainedRevisions } : {}),
    ...(options.killGraceSeconds !== undefined ? { killGraceSeconds: options.killGraceSeconds } : {}),
  });
  const account = await api.getCallerAccount();
  const hostIdentifier = formatArn({
    service: "sts",
    region: "",
    accountId: account,
    resource: `assumed-role/CodeDeployAgent/${options.name}`,
  });
  const registered = await api.registerOnPremisesInstance(options.name, hostIdentifier);
  log(`${registered ? "registered" : "already registered:"} instance ${options.name} as ${hostIdentifier}`);
  if (options.tags && options.tags.length > 0) {
    await api.addTags(options.name, options.tags);
    log(`tagged ${options.name}: ${options.tags.map((t) => `${t.Key}=${t.Value}`).join(",")}`);
  }
  const result: AgentResult = { hostIdentifier, completed: [], failed: false };
  const base = options.api?.backoffBaseMs ?? 500;
  const cap = options.api?.backoffMaxMs ?? 20_000;
  const specs = new SpecCache();
  let pollFailures = 0;
  while (!options.signal?.aborted) {
    let command: HostCommand | undefined;
    try {
      command = await api.pollHostCommand(hostIdentifier, options.signal);
      pollFailures = 0;
    } catch (err) {
      if (options.signal?.aborted) break;
      pollFailures += 1;
      const wait = backoffDelay(pollFailures, base, cap);
      log(`poll failed (${(err as Error).message}); retrying in ${Math.round(wait)} ms`);
      await sleep(wait, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
      continue;
    }
    if (command === undefined) continue;
    let outcome: CommandOutcome;
    try {
      outcome = await handleCommand(command, {
        api,
        executor,
        hostIdentifier,
        log,
        heartbeatMs: options.heartbeatMs ?? 5_000,
        specs,
      });
    } catch (err) {
      // The server stopped answering mid-command (retries spent): the command times out on its side;
      // the agent goes back to polling rather than dying.
      log(
        `command ${command.CommandName} (${command.HostCommandIdentifier}) could not be reported: ${(err as Error).message}`,
      );
      continue;
    }
    if (outcome.status !== undefined) {
      result.completed.push({
        commandName: command.CommandName,
        deploymentId: outcome.deploymentId ?? "",
        status: outcome.status,
      });
      if (outcome.status === "Failed") result.failed = true;
    }
    if (options.once && (outcome.status === "Failed" || isLastEvent(command.CommandName, outcome.spec))) {
      log(
        `deployment ${outcome.deploymentId ?? "?"} ${outcome.status === "Failed" ? "failed" : "ended"} here; exiting (--once)`,
      );
      break;
    }
  }
  log("agent stopped");
  return result;
}

interface CommandContext {
  api: AgentApi;
  executor: CommandExecutor;
  hostIdentifier: string;
  log: (line: string) => void;
  heartbeatMs: number;
  specs: SpecCache;
}

/** Deployment executions whose specification is kept; a deployment's events come one after another. */
const CACHED_SPECS = 4;

/**
 * The specifications of the last few deployment executions, by DeploymentExecutionId: a
 * deployment's specification is fixed when it is created (its ids, revision and plan), so each of
 * its events after the first needs no GetDeploymentSpecification. Only specifications that were
 * read and checked are kept.
 */
export class SpecCache {
  private readonly specs = new Map<string, DeploymentSpec>();

  constructor(private readonly capacity = CACHED_SPECS) {}

  async get(executionId: string, fetch: () => Promise<DeploymentSpec>): Promise<DeploymentSpec> {
    const cached = this.specs.get(executionId);
    if (cached !== undefined) {
      // Most recently used last, so the oldest is the first to go.
      this.specs.delete(executionId);
      this.specs.set(executionId, cached);
      return cached;
    }
    const spec = await fetch();
    this.specs.set(executionId, spec);
    while (this.specs.size > this.capacity) this.specs.delete(this.specs.keys().next().value!);
    return spec;
  }
}

interface CommandOutcome {
  /** Undefined when the server said not to run it. */
  status: "Succeeded" | "Failed" | undefined;
  deploymentId: string | undefined;
  spec: DeploymentSpec | undefined;
}

async function handleCommand(command: HostCommand, ctx: CommandContext): Promise<CommandOutcome> {
  const id = command.HostCommandIdentifier;
  const name = command.CommandName;
  ctx.log(`command ${name} (${id}) of deployment execution ${command.DeploymentExecutionId}`);
  let spec: DeploymentSpec | undefined;
  let noop: boolean;
  try {
    spec = await ctx.specs.get(command.DeploymentExecutionId, async () => {
      const answer = await ctx.api.getDeploymentSpecification(
        command.DeploymentExecutionId,
        ctx.hostIdentifier,
      );
      // Loaded with the first command: its schema (zod) is of no use to an idle agent.
      const { readDeploymentSpec } = await import("./deployment-spec.js");
      return readDeploymentSpec(answer);
    });
    noop = await ctx.executor.isNoop(name, spec);
  } catch (err) {
    const failure = asFailure(err);
    ctx.log(`command ${name} failed before it ran: ${failure.message}`);
    await ctx.api.putHostCommandComplete(id, "Failed", failure.toPayload());
    return { status: "Failed", deploymentId: spec?.DeploymentId, spec };
  }
  const ack = await ctx.api.putHostCommandAcknowledgement(id, noop);
  if (ack === "Succeeded" || ack === "Failed") {
    ctx.log(`command ${name} of ${spec.DeploymentId}: the server answered ${ack}; not running it`);
    return { status: undefined, deploymentId: spec.DeploymentId, spec };
  }
  ctx.log(`command ${name} of ${spec.DeploymentId}: ${noop ? "noop (no scripts)" : "running"}`);
  const cancel = new AbortController();
  const heartbeat = setInterval(() => {
    ctx.api.postHostCommandUpdate(id).then(
      (status) => {
        if (status === "Failed" && !cancel.signal.aborted) {
          ctx.log(
            `command ${name} of ${spec.DeploymentId} was cancelled by the server; stopping its scripts`,
          );
          cancel.abort();
        }
      },
      (err: unknown) => ctx.log(`heartbeat of ${name} failed: ${(err as Error).message}`),
    );
  }, ctx.heartbeatMs);
  let failure: CommandFailure | undefined;
  let output = "";
  try {
    output = await ctx.executor.execute(name, spec, cancel.signal);
  } catch (err) {
    failure = asFailure(err);
  } finally {
    clearInterval(heartbeat);
  }
  const status = failure ? "Failed" : "Succeeded";
  const payload = failure?.toPayload() ?? {
    error_code: 0,
    script_name: "",
    message: "Succeeded",
    log: output,
  };
  await ctx.api.putHostCommandComplete(id, status, payload);
  ctx.log(
    `command ${name} of ${spec.DeploymentId}: ${status}${failure ? ` (${failure.code}: ${failure.message})` : ""}`,
  );
  return { status, deploymentId: spec.DeploymentId, spec };
}

/** True when `commandName` is the last event of the deployment that reaches this agent. */
function isLastEvent(commandName: string, spec: DeploymentSpec | undefined): boolean {
  const events = spec?.AllPossibleLifecycleEvents;
  if (events === undefined || events.length === 0) return false;
  return events[events.length - 1] === commandName;
}

function asFailure(err: unknown): CommandFailure {
  if (err instanceof CommandFailure) return err;
  return new CommandFailure("UnknownError", (err as Error).message ?? String(err), "", "", { cause: err });
}
