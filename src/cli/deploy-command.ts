import type { Command } from "commander";
import { DEFAULT_ENDPOINT, exitWith, resolveAws, serverOptions, type ResolvedAws } from "./aws-config.js";
import {
  callJson,
  ServiceCallError,
  timeStamp,
  watchInterval,
  watchUntilEnded,
  type JsonService,
} from "./watch.js";

interface WatchFlags {
  application?: string;
  deploymentGroup?: string;
  endpoint?: string;
  dataDir?: string;
  interval?: string;
}

const CODEDEPLOY: JsonService = { target: "CodeDeploy_20141006", signingName: "codedeploy" };

/** A deployment's statuses that are final. */
const DONE = new Set(["Succeeded", "Failed", "Stopped"]);
/** How long to keep looking after the end for the rollback that the deployment asked for. */
const ROLLBACK_WAIT_MS = 10_000;
/** How many lines of a failed script's output the view shows. */
const TAIL_LINES = 5;
/** BatchGetDeploymentTargets takes at most this many ids at once. */
const TARGET_BATCH = 25;

interface Diagnostics {
  errorCode?: string;
  scriptName?: string;
  message?: string;
  logTail?: string;
}

interface LifecycleEvent {
  lifecycleEventName: string;
  status: string;
  startTime?: number;
  endTime?: number;
  diagnostics?: Diagnostics;
}

interface DeploymentInfo {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName?: string;
  deploymentConfigName?: string;
  status: string;
  errorInformation?: { code?: string; message?: string };
  deploymentOverview?: Record<string, number>;
  autoRollbackConfiguration?: { enabled?: boolean; events?: string[] };
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
}

/** What the view shows of one instance. */
interface InstanceLine {
  id: string;
  status: string;
  events: LifecycleEvent[];
}

interface View {
  deployment: DeploymentInfo;
  instances: InstanceLine[];
  /** Whether nothing more will change that the view shows. */
  ended: boolean;
}

/**
 * `pipewright deploy watch <deployment-id>` (or `--application A --deployment-group G`, the group's
 * latest deployment): each instance with its lifecycle events, their statuses and durations, and a
 * failed event's diagnostics and script output, until the deployment ends; exit code 0 when it
 * Succeeded, 1 otherwise. On a terminal the view is redrawn in place; elsewhere each change is
 * printed once, as a line.
 */
export function registerDeployCommand(program: Command): void {
  const deploy = program
    .command("deploy")
    .description("follow CodeDeploy deployments on a Pipewright server");
  serverOptions(
    deploy
      .command("watch [deployment-id]")
      .description("follow a deployment until it ends; exit 0 only if it Succeeded")
      .option("-a, --application <name>", "with --deployment-group: follow the group's latest deployment")
      .option("-g, --deployment-group <name>", "the deployment group, with --application")
      .option("--interval <ms>", "how often to look, in milliseconds", "500"),
  ).action((id: string | undefined, flags: WatchFlags) => exitWith(() => watch(id, flags)));
}

/** One CodeDeploy API call. */
function call<T>(aws: ResolvedAws, operation: string, input: Record<string, unknown>): Promise<T> {
  return callJson<T>(aws, CODEDEPLOY, operation, input);
}

/** The deployment to follow: the one named, else the group's newest. */
async function chooseDeployment(
  aws: ResolvedAws,
  id: string | undefined,
  flags: WatchFlags,
): Promise<string> {
  const { application, deploymentGroup: group } = flags;
  if (id !== undefined) {
    if (application !== undefined || group !== undefined)
      throw new Error("give a deployment id or --application and --deployment-group, not both");
    return id;
  }
  if (application === undefined || group === undefined)
    throw new Error("give a deployment id, or --application and --deployment-group for the group's latest");
  // This server lists a group's deployments newest first, as AWS does.
  const { deployments } = await call<{ deployments: string[] }>(aws, "ListDeployments", {
    applicationName: application,
    deploymentGroupName: group,
  });
  const latest = deployments[0];
  if (latest === undefined) {
    throw new Error(
      `deployment group ${group} of application ${application} has no deployments yet; start one with ` +
        `aws deploy create-deployment --application-name ${application} --deployment-group-name ${group} …`,
    );
  }
  return latest;
}

/** Every target of the deployment with its lifecycle events. */
async function instances(aws: ResolvedAws, deploymentId: string): Promise<InstanceLine[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page: { targetIds?: string[]; nextToken?: string } = await call(aws, "ListDeploymentTargets", {
      deploymentId,
      ...(nextToken ? { nextToken } : {}),
    });
    ids.push(...(page.targetIds ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const lines: InstanceLine[] = [];
  for (let i = 0; i < ids.length; i += TARGET_BATCH) {
    const { deploymentTargets } = await call<{
      deploymentTargets: Array<{
        instanceTarget?: { targetId: string; status: string; lifecycleEvents?: LifecycleEvent[] };
      }>;
    }>(aws, "BatchGetDeploymentTargets", { deploymentId, targetIds: ids.slice(i, i + TARGET_BATCH) });
    for (const { instanceTarget: t } of deploymentTargets) {
      if (t) lines.push({ id: t.targetId, status: t.status, events: t.lifecycleEvents ?? [] });
    }
  }
  return lines;
}

/** Whether the deployment's own settings ask for a rollback after the way it ended. */
function rollbackExpected(d: DeploymentInfo): boolean {
  const auto = d.autoRollbackConfiguration;
  if (!auto?.enabled) return false;
  if (d.status === "Failed") return auto.events?.includes("DEPLOYMENT_FAILURE") ?? false;
  if (d.status === "Stopped") return auto.events?.includes("DEPLOYMENT_STOP_ON_REQUEST") ?? false;
  return false;
}

/** A function that looks at the deployment once per call. */
function looker(aws: ResolvedAws, deploymentId: string): () => Promise<View> {
  let endedAt: number | undefined;
  return async () => {
    // The deployment first: once it has ended, the targets read after it have too.
    const { deploymentInfo: deployment } = await call<{ deploymentInfo: DeploymentInfo }>(
      aws,
      "GetDeployment",
      { deploymentId },
    );
    const lines = await instances(aws, deploymentId);
    let ended = false;
    if (DONE.has(deployment.status)) {
      endedAt ??= Date.now();
      // A rollback is started just after the end: wait a little for its id, not forever.
      ended =
        !rollbackExpected(deployment) ||
        deployment.rollbackInfo !== undefined ||
        Date.now() - endedAt >= ROLLBACK_WAIT_MS;
    }
    return { deployment, instances: lines, ended };
  };
}

const MARK: Record<string, string> = {
  Succeeded: "✓",
  Failed: "✗",
  InProgress: "…",
  Skipped: "-",
  Pending: "·",
  Stopped: "⊘",
};

const mark = (status: string) => MARK[status] ?? "?";

function seconds(e: LifecycleEvent): string {
  if (e.startTime === undefined) return "";
  const end = e.endTime ?? Date.now() / 1000;
  return ` ${Math.max(0, Math.round(end - e.startTime))}s`;
}

function header(d: DeploymentInfo): string {
  return [d.deploymentId, `${d.applicationName}/${d.deploymentGroupName ?? "?"}`, d.deploymentConfigName]
    .filter((part) => part !== undefined)
    .join(" · ");
}

/** The deployment's status, its error and its instances counted by status. */
function statusLine(d: DeploymentInfo): string {
  const counts = Object.entries(d.deploymentOverview ?? {})
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  const error = d.errorInformation?.code
    ? `: ${d.errorInformation.code}${d.errorInformation.message ? `: ${d.errorInformation.message}` : ""}`
    : "";
  return `${d.status}${error}${counts ? ` · instances: ${counts}` : ""}`;
}

/** What a failed event says: its error code, script and message, then the end of the script's output. */
function failureLines(e: LifecycleEvent): string[] {
  const d = e.diagnostics;
  if (!d) return [`${e.lifecycleEventName} failed`];
  const lines = [
    `${e.lifecycleEventName} failed: ${d.errorCode ?? "?"}${d.scriptName ? ` in ${d.scriptName}` : ""}` +
      `${d.message ? `: ${d.message}` : ""}`,
  ];
  const tail = (d.logTail ?? "").replace(/\n+$/, "").split("\n").filter(Boolean).slice(-TAIL_LINES);
  lines.push(...tail.map((l) => `  | ${l}`));
  return lines;
}

function rollbackLines(d: DeploymentInfo): string[] {
  const r = d.rollbackInfo;
  if (!r) return [];
  if (r.rollbackDeploymentId) {
    return [
      `rolled back by deployment ${r.rollbackDeploymentId}: pipewright deploy watch ${r.rollbackDeploymentId}`,
    ];
  }
  return r.rollbackMessage ? [r.rollbackMessage] : [];
}

/** The whole view: header, status, then one row per instance with a cell per lifecycle event. */
function render(view: View): string[] {
  const d = view.deployment;
  const lines = [header(d), `  ${statusLine(d)}`];
  const names = [...new Set(view.instances.flatMap((i) => i.events.map((e) => e.lifecycleEventName)))];
  // Cells are one mark each; the legend names the events in the order the cells show them.
  if (names.length) lines.push(`  events: ${names.join(" → ")}`);
  const width = Math.max(8, ...view.instances.map((i) => i.id.length));
  for (const instance of view.instances) {
    const byName = new Map(instance.events.map((e) => [e.lifecycleEventName, e]));
    const cells = names.map((n) => mark(byName.get(n)?.status ?? "Pending")).join(" ");
    const current =
      instance.events.find((e) => e.status === "Failed") ??
      instance.events.find((e) => e.status === "InProgress");
    lines.push(
      `  ${mark(instance.status)} ${instance.id.padEnd(width)}  ${cells}  ${instance.status.padEnd(10)}` +
        (current ? ` ${current.lifecycleEventName}${seconds(current)}` : ""),
    );
    for (const e of instance.events.filter((e) => e.status === "Failed"))
      lines.push(...failureLines(e).map((l) => `      ${l}`));
  }
  lines.push(...rollbackLines(d).map((l) => `  ${l}`));
  return lines;
}

/** Each change, once, as a line: for logs and pipes. */
function changes(before: View | undefined, view: View): string[] {
  const out: string[] = [];
  const d = view.deployment;
  if (!before) out.push(header(d));
  const stamp = timeStamp();
  const old = new Map(before?.instances.map((i) => [i.id, i]) ?? []);
  for (const instance of view.instances) {
    const was = old.get(instance.id);
    const wasEvents = new Map(was?.events.map((e) => [e.lifecycleEventName, e.status]) ?? []);
    for (const e of instance.events) {
      if (e.status === "Pending" || wasEvents.get(e.lifecycleEventName) === e.status) continue;
      out.push(`${stamp} ${mark(e.status)} ${instance.id} ${e.lifecycleEventName} ${e.status}${seconds(e)}`);
      if (e.status === "Failed") out.push(...failureLines(e).map((l) => `         ${l}`));
    }
    if (instance.status !== "Pending" && was?.status !== instance.status)
      out.push(`${stamp} ${mark(instance.status)} ${instance.id} ${instance.status}`);
  }
  if (before?.deployment.status !== d.status) out.push(`${stamp} deployment ${statusLine(d)}`);
  if (view.ended) out.push(...rollbackLines(d).map((l) => `${stamp} ${l}`));
  return out;
}

async function watch(id: string | undefined, flags: WatchFlags): Promise<number> {
  const aws = resolveAws({
    dataDir: flags.dataDir,
    endpoint: flags.endpoint,
    defaultEndpoint: DEFAULT_ENDPOINT,
  });
  const deploymentId = await chooseDeployment(aws, id, flags);
  try {
    const view = await watchUntilEnded({
      look: looker(aws, deploymentId),
      render,
      changes,
      ended: (v) => v.ended,
      intervalMs: watchInterval(flags.interval),
    });
    return view.deployment.status === "Succeeded" ? 0 : 1;
  } catch (err) {
    if (err instanceof ServiceCallError && err.code === "DeploymentDoesNotExistException")
      throw new Error(
        `deployment ${deploymentId} does not exist on ${aws.endpoint} (${err.code}); ` +
          `aws deploy list-deployments lists those that do`,
        { cause: err },
      );
    throw err;
  }
}
