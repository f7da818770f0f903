import type { Command } from "commander";
import { DEFAULT_ENDPOINT, exitWith, resolveAws, serverOptions, type ResolvedAws } from "./aws-config.js";
import { signedHeaders } from "../core/signed-request.js";

interface WatchFlags {
  execution?: string;
  endpoint?: string;
  dataDir?: string;
  interval?: string;
}

/** What the view shows of one action of the execution. */
interface ActionLine {
  stage: string;
  action: string;
  status: string;
  seconds?: number;
  link?: string;
  summary?: string;
  approvalToken?: string;
}

interface View {
  header: string;
  status: string;
  summary?: string;
  stages: Array<{ name: string; status: string; actions: ActionLine[] }>;
}

const DONE = new Set(["Succeeded", "Failed", "Stopped", "Superseded", "Cancelled"]);

/**
 * `pipewright pipeline watch <name>`: follows a pipeline's latest execution (or `--execution`) —
 * its stages and actions, their statuses and durations, links to build logs, and the command that
 * answers an approval waiting for one — until it ends; exit code 0 when it Succeeded, 1 otherwise.
 * On a terminal the view is redrawn in place; elsewhere each change is printed once, as a line.
 */
export function registerPipelineCommand(program: Command): void {
  const pipeline = program
    .command("pipeline")
    .description("follow CodePipeline pipelines on a Pipewright server");
  serverOptions(
    pipeline
      .command("watch <name>")
      .description("follow the latest execution of a pipeline until it ends; exit 0 only if it Succeeded")
      .option("-e, --execution <id>", "follow this execution instead of the latest")
      .option("--interval <ms>", "how often to look, in milliseconds", "500"),
  ).action((name: string, flags: WatchFlags) => exitWith(() => watch(name, flags)));
}

/** One CodePipeline API call over the JSON protocol, signed as the SDK signs it. */
async function call<T>(aws: ResolvedAws, operation: string, input: Record<string, unknown>): Promise<T> {
  const url = new URL("/", aws.endpoint);
  const body = JSON.stringify(input);
  const init = {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `CodePipeline_20150709.${operation}`,
    },
  };
  const headers = await signedHeaders(url, aws, "codepipeline", init);
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body, headers });
  } catch (err) {
    throw new Error(`cannot reach ${aws.endpoint}: ${(err as { cause?: Error }).cause?.message ?? err}`, {
      cause: err,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    const error = JSON.parse(text || "{}") as { __type?: string; message?: string };
    throw new Error(`${operation}: ${error.__type ?? response.status}: ${error.message ?? text}`);
  }
  return JSON.parse(text) as T;
}

interface ActionExecutionDetail {
  stageName: string;
  actionName: string;
  status: string;
  startTime: number;
  lastUpdateTime: number;
  actionExecutionId: string;
  output?: { executionResult?: { externalExecutionUrl?: string; externalExecutionSummary?: string } };
}

/** The view of one execution, from the pipeline's structure, the execution and its actions. */
async function look(aws: ResolvedAws, name: string, executionId: string): Promise<View> {
  const [{ pipelineExecution: e }, { actionExecutionDetails }, state] = await Promise.all([
    call<{
      pipelineExecution: {
        pipelineVersion: number;
        status: string;
        statusSummary?: string;
        trigger?: { triggerType?: string };
        artifactRevisions?: Array<{ name: string; revisionId: string; revisionSummary?: string }>;
      };
    }>(aws, "GetPipelineExecution", { pipelineName: name, pipelineExecutionId: executionId }),
    call<{ actionExecutionDetails: ActionExecutionDetail[] }>(aws, "ListActionExecutions", {
      pipelineName: name,
      filter: { pipelineExecutionId: executionId },
    }),
    call<{
      stageStates: Array<{
        stageName: string;
        latestExecution?: { pipelineExecutionId: string; status: string };
        actionStates?: Array<{
          actionName: string;
          latestExecution?: { actionExecutionId?: string; token?: string };
        }>;
      }>;
    }>(aws, "GetPipelineState", { name }),
  ]);
  const { pipeline } = await call<{
    pipeline: { stages: Array<{ name: string; actions: Array<{ name: string }> }> };
  }>(aws, "GetPipeline", { name, version: e.pipelineVersion });
  const latest = new Map<string, ActionExecutionDetail>();
  for (const a of actionExecutionDetails) {
    const key = `${a.stageName}/${a.actionName}`;
    const seen = latest.get(key);
    if (!seen || a.startTime >= seen.startTime) latest.set(key, a);
  }
  const now = Date.now() / 1000;
  const revisions = (e.artifactRevisions ?? [])
    .map(
      (r) =>
        `${r.name} ${r.revisionId.slice(0, 12)}${r.revisionSummary ? ` "${firstLine(r.revisionSummary)}"` : ""}`,
    )
    .join(", ");
  return {
    header: `${name} · execution ${executionId} · ${e.trigger?.triggerType ?? "?"}${revisions ? ` · ${revisions}` : ""}`,
    status: e.status,
    ...(e.statusSummary ? { summary: e.statusSummary } : {}),
    stages: pipeline.stages.map((stage) => {
      const stageState = state.stageStates.find((s) => s.stageName === stage.name);
      const actions = stage.actions.map((action): ActionLine => {
        const run = latest.get(`${stage.name}/${action.name}`);
        if (!run) return { stage: stage.name, action: action.name, status: "—" };
        const token = stageState?.actionStates?.find((s) => s.actionName === action.name)?.latestExecution;
        const result = run.output?.executionResult;
        return {
          stage: stage.name,
          action: action.name,
          status: run.status,
          seconds: Math.max(
            0,
            Math.round((run.status === "InProgress" ? now : run.lastUpdateTime) - run.startTime),
          ),
          ...(result?.externalExecutionUrl ? { link: result.externalExecutionUrl } : {}),
          ...(result?.externalExecutionSummary
            ? { summary: firstLine(result.externalExecutionSummary) }
            : {}),
          ...(run.status === "InProgress" && token?.actionExecutionId === run.actionExecutionId && token.token
            ? { approvalToken: token.token }
            : {}),
        };
      });
      const statuses = actions.map((a) => a.status);
      const status = statuses.includes("Failed")
        ? "Failed"
        : statuses.includes("InProgress")
          ? "InProgress"
          : statuses.every((s) => s === "Succeeded")
            ? "Succeeded"
            : statuses.includes("Abandoned")
              ? "Stopped"
              : "—";
      return { name: stage.name, status, actions };
    }),
  };
}

function firstLine(text: string): string {
  const line = text.split("\n")[0]!;
  return line.length > 72 ? `${line.slice(0, 71)}…` : line;
}

const MARK: Record<string, string> = {
  Succeeded: "✓",
  Failed: "✗",
  InProgress: "…",
  Abandoned: "⊘",
  Stopped: "⊘",
  "—": " ",
};

/** The lines of an action: its state, and what to do when it is an approval waiting. */
function actionLines(name: string, endpoint: string, a: ActionLine, label: string): string[] {
  const lines = [
    `${MARK[a.status] ?? "?"} ${label.padEnd(20)} ${a.status.padEnd(11)}${a.seconds !== undefined ? ` ${a.seconds}s` : ""}` +
      `${a.link ? `  ${a.link}` : ""}${a.summary && a.status !== "Succeeded" ? `  ${a.summary}` : ""}`,
  ];
  if (a.approvalToken) {
    lines.push(
      `  waiting for approval: aws --endpoint-url ${endpoint} codepipeline put-approval-result --pipeline-name ${name} ` +
        `--stage-name ${a.stage} --action-name ${a.action} --token ${a.approvalToken} ` +
        `--result summary=ok,status=Approved`,
    );
  }
  return lines;
}

function render(name: string, endpoint: string, view: View): string[] {
  const lines = [view.header, `  ${view.status}${view.summary ? `: ${view.summary}` : ""}`];
  for (const stage of view.stages) {
    lines.push(`  ${MARK[stage.status] ?? " "} ${stage.name}`);
    for (const a of stage.actions)
      lines.push(...actionLines(name, endpoint, a, a.action).map((l) => `    ${l}`));
  }
  return lines;
}

/** Each change, once, as a line: for logs and pipes. */
function changes(name: string, endpoint: string, before: View | undefined, view: View): string[] {
  const out: string[] = [];
  if (!before) out.push(view.header);
  const old = new Map(
    before?.stages.flatMap((s) => s.actions.map((a) => [`${a.stage}/${a.action}`, a])) ?? [],
  );
  const stamp = new Date().toISOString().slice(11, 19);
  for (const stage of view.stages) {
    for (const a of stage.actions) {
      const was = old.get(`${a.stage}/${a.action}`);
      if (a.status === "—" || (was?.status === a.status && !!was.approvalToken === !!a.approvalToken))
        continue;
      out.push(
        ...actionLines(name, endpoint, a, `${a.stage}/${a.action}`).map((l, i) =>
          i === 0 ? `${stamp} ${l}` : `         ${l}`,
        ),
      );
    }
  }
  if (before?.status !== view.status)
    out.push(`${stamp} execution ${view.status}${view.summary ? `: ${view.summary}` : ""}`);
  return out;
}

async function watch(name: string, flags: WatchFlags): Promise<number> {
  const aws = resolveAws({
    dataDir: flags.dataDir,
    endpoint: flags.endpoint,
    defaultEndpoint: DEFAULT_ENDPOINT,
  });
  const interval = Math.max(100, Number(flags.interval ?? 500) || 500);
  let executionId = flags.execution;
  if (!executionId) {
    const { pipelineExecutionSummaries } = await call<{
      pipelineExecutionSummaries: Array<{ pipelineExecutionId: string }>;
    }>(aws, "ListPipelineExecutions", { pipelineName: name, maxResults: 1 });
    executionId = pipelineExecutionSummaries[0]?.pipelineExecutionId;
    if (!executionId) {
      throw new Error(
        `pipeline ${name} has not run yet; start it with aws codepipeline start-pipeline-execution --name ${name}`,
      );
    }
  }
  const tty = process.stdout.isTTY;
  let before: View | undefined;
  let drawn = 0;
  for (;;) {
    const view = await look(aws, name, executionId);
    if (tty) {
      const lines = render(name, aws.endpoint, view);
      // Back to where the last drawing began, then draw over it.
      process.stdout.write(`${drawn ? `\x1b[${drawn}F` : ""}\x1b[J${lines.join("\n")}\n`);
      drawn = lines.length;
    } else {
      const out = changes(name, aws.endpoint, before, view);
      if (out.length) process.stdout.write(`${out.join("\n")}\n`);
    }
    before = view;
    if (DONE.has(view.status)) return view.status === "Succeeded" ? 0 : 1;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
