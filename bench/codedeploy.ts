import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  ListOnPremisesInstancesCommand,
  type LifecycleEvent,
} from "@aws-sdk/client-codedeploy";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { tgzOf } from "../test/e2e/codedeploy-support.js";
import { startServerProcess } from "./server-process.js";
import { fmtMs, fmtRatio, percentile, type BenchRow } from "./stats.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const REGION = "us-east-1";
const AGENTS = 10;
const ALL_AT_ONCE_RUNS = 6;
const ONE_AT_A_TIME_RUNS = 3;
const BASELINE_RUNS = 20;
/** The appspec's hooks: every one runs `scripts/true.sh`. */
const HOOKS = ["ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService"];
const TRUE_SH = "#!/bin/sh\ntrue\n";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of a process, in bytes (from /proc). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** CPU time of a process so far, in ms: its own, and that of its children it has waited for (from /proc). */
function cpuOf(pid: number): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): utime, stime, cutime, cstime are 14–17.
  const fields = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  const tick = 10; // USER_HZ is 100 on Linux
  return { own: (fields[11]! + fields[12]!) * tick, children: (fields[13]! + fields[14]!) * tick };
}

const fmtMiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Wall time of `bash -c script` in `cwd`; rejects on a non-zero exit. */
function timeBash(script: string, cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd, stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`bash -c ${script} exited ${code}`));
    });
  });
}

/** One line of an agent's log: its timestamp (epoch ms) and text. */
interface LogLine {
  at: number;
  text: string;
}

/** A `pipewright agent` child process, its log lines parsed as they arrive. */
interface AgentProcess {
  name: string;
  child: ChildProcess;
  lines: LogLine[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<LogLine>;
}

function spawnAgent(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  name: string,
  root: string,
): AgentProcess {
  const nodeArgs = (process.env.PIPEWRIGHT_BENCH_AGENT_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(ROOT, "dist/cli/main.js"),
      "agent",
      "--endpoint",
      url,
      "--name",
      name,
      "--tags",
      "fleet=bench",
      "--root",
      root,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_REGION: REGION,
        PIPEWRIGHT_LOG_LEVEL: "warn",
      },
    },
  );
  const lines: LogLine[] = [];
  const listeners = new Set<() => void>();
  let rest = "";
  child.stdout.on("data", (d: Buffer) => {
    rest += d.toString();
    const parts = rest.split("\n");
    rest = parts.pop()!;
    for (const part of parts) {
      const m = /^(\S+) (.*)$/.exec(part);
      const at = m ? Date.parse(m[1]!) : NaN;
      lines.push(Number.isNaN(at) ? { at: Date.now(), text: part } : { at, text: m![2]! });
    }
    for (const l of listeners) l();
  });
  return {
    name,
    child,
    lines,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l.text));
          if (!line) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `agent ${name}: no ${pattern} within ${timeoutMs} ms:\n${lines.map((l) => l.text).join("\n")}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** What the agents logged about one deployment: per lifecycle event, when each step happened. */
interface EventTimes {
  agent: string;
  event: string;
  /** PollHostCommand answered with the command. */
  polled: number;
  /** Acknowledged (the server answered InProgress); the hook starts. */
  running?: number;
  /** PutHostCommandComplete answered. */
  done?: number;
}

function eventTimes(agents: readonly AgentProcess[], deploymentId: string): EventTimes[] {
  const out: EventTimes[] = [];
  for (const agent of agents) {
    const open = new Map<string, EventTimes>();
    for (const { at, text } of agent.lines) {
      const polled = /^command (\w+) \(\S+\) of deployment execution (\S+)$/.exec(text);
      if (polled && polled[2] === deploymentId) {
        const times: EventTimes = { agent: agent.name, event: polled[1]!, polled: at };
        open.set(polled[1]!, times);
        out.push(times);
        continue;
      }
      const step = /^command (\w+) of (\S+): (running|noop|Succeeded|Failed)/.exec(text);
      if (!step || step[2] !== deploymentId) continue;
      const times = open.get(step[1]!);
      if (!times) continue;
      if (step[3] === "running" || step[3] === "noop") times.running = at;
      else times.done = at;
    }
  }
  return out.sort((a, b) => a.polled - b.polled);
}

/**
 * CodeDeploy in place on ten on-premises instances, each a real `pipewright agent` process beside
 * the built server: a 1 MiB revision (one file installed; every hook runs `true`) deployed AllAtOnce and
 * OneAtATime, how soon after CreateDeployment returns the first agent has work, and what an idle
 * agent costs in memory. Baselines: the same hook scripts run by bash, and an idle bare `node`.
 * `PIPEWRIGHT_BENCH_AGENT_NODE_ARGS` (space-separated, default none) adds Node options to the agent
 * processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, as `PIPEWRIGHT_BENCH_SERVER_NODE_ARGS` does
 * for the server.
 */
export async function benchCodeDeploy(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pw-bench-cd-"));
  const server = await startServerProcess(path.join(dir, "data"));
  const clientConfig = { endpoint: server.url, region: REGION, credentials: server.credentials };
  const cd = new CodeDeployClient(clientConfig);
  const agents: AgentProcess[] = [];
  let bare: ChildProcess | undefined;
  try {
    const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "bench-releases" }));
    const files: Record<string, string> = {
      "appspec.yml": [
        "version: 0.0",
        "os: linux",
        "files:",
        "  - source: payload.txt",
        "    destination: /srv/bench",
        "hooks:",
        ...HOOKS.flatMap((hook) => [`  ${hook}:`, "    - location: scripts/true.sh"]),
        "",
      ].join("\n"),
      "scripts/true.sh": TRUE_SH,
      // The target's "1 MB revision": 1 MiB of random base64 text (the tgz is about 0.8 MiB).
      "payload.txt": randomBytes(786_432).toString("base64"),
    };
    await s3.send(new PutObjectCommand({ Bucket: "bench-releases", Key: "app.tgz", Body: tgzOf(files) }));
    s3.destroy();
    const revision = {
      revisionType: "S3" as const,
      s3Location: { bucket: "bench-releases", key: "app.tgz", bundleType: "tgz" as const },
    };

    // Baselines: the hook scripts as an instance runs them, one after another, by bash.
    const scripts = path.join(dir, "bundle");
    mkdirSync(path.join(scripts, "scripts"), { recursive: true });
    writeFileSync(path.join(scripts, "scripts/true.sh"), TRUE_SH, { mode: 0o755 });
    const oneInstance = HOOKS.map(() => "./scripts/true.sh").join("; ");
    const tenInstances = Array.from({ length: AGENTS }, () => oneInstance).join("; ");
    const hooksOne: number[] = [];
    const hooksTen: number[] = [];
    const oneScript: number[] = [];
    for (let i = 0; i < BASELINE_RUNS; i++) {
      hooksOne.push(await timeBash(oneInstance, scripts));
      hooksTen.push(await timeBash(tenInstances, scripts));
      oneScript.push(await timeBash("./scripts/true.sh", scripts));
    }

    // The fleet: registered, tagged, long-polling.
    for (let i = 1; i <= AGENTS; i++) {
      const name = `bench-${String(i).padStart(2, "0")}`;
      const root = path.join(dir, "hosts", name);
      mkdirSync(root, { recursive: true });
      agents.push(spawnAgent(server.url, server.credentials, name, root));
    }
    await Promise.all(agents.map((a) => a.waitFor(/^tagged /)));
    for (;;) {
      const { instanceNames } = await cd.send(
        new ListOnPremisesInstancesCommand({
          tagFilters: [{ Key: "fleet", Value: "bench", Type: "KEY_AND_VALUE" }],
        }),
      );
      if (instanceNames?.length === AGENTS) break;
      await sleep(50);
    }

    // Idle memory, once the agents have sat in their long polls for a while; beside a bare node.
    bare = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
    await sleep(3000);
    const idle = agents.map((a) => rssOf(a.child.pid!));
    const bareRss = rssOf(bare.pid!);
    bare.kill("SIGTERM");

    await cd.send(new CreateApplicationCommand({ applicationName: "bench" }));
    for (const [group, config] of [
      ["all", "CodeDeployDefault.AllAtOnce"],
      ["one", "CodeDeployDefault.OneAtATime"],
    ] as const) {
      await cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: "bench",
          deploymentGroupName: group,
          serviceRoleArn: "arn:aws:iam::000000000000:role/codedeploy",
          deploymentConfigName: config,
          onPremisesInstanceTagFilters: [{ Key: "fleet", Value: "bench", Type: "KEY_AND_VALUE" }],
        }),
      );
    }

    /**
     * CreateDeployment sent → Succeeded: the server's completeTime against the bench's clock (one
     * machine), so GetDeployment is asked only every 100 ms and the polling costs the server little.
     */
    const deploy = async (group: string) => {
      const sent = performance.now();
      const sentAt = Date.now();
      const { deploymentId } = await cd.send(
        // Two groups (AllAtOnce, OneAtATime) install the same file on the same agents: each group's
        // cleanup removes only what it installed itself, so the other's copy is overwritten.
        new CreateDeploymentCommand({
          applicationName: "bench",
          deploymentGroupName: group,
          revision,
          fileExistsBehavior: "OVERWRITE",
        }),
      );
      const call = performance.now() - sent;
      const returnedAt = Date.now();
      for (;;) {
        await sleep(100);
        const { deploymentInfo: info } = await cd.send(new GetDeploymentCommand({ deploymentId }));
        if (info!.status === "Succeeded")
          return {
            deploymentId: deploymentId!,
            total: info!.completeTime!.getTime() - sentAt,
            call,
            returnedAt,
          };
        if (info!.status !== "InProgress" && info!.status !== "Created" && info!.status !== "Queued") {
          // Say which instance failed and why: the deployment's own message does not.
          const failed = (await lifecycle(deploymentId!))
            .flat()
            .filter((e) => e.status === "Failed")
            .map((e) => `${e.lifecycleEventName}: ${e.diagnostics?.errorCode} ${e.diagnostics?.message}`);
          throw new Error(
            `deployment ${deploymentId} ended ${info!.status}: ${info!.errorInformation?.message} ${failed.join("; ")}`,
          );
        }
        if (performance.now() - sent > 120_000)
          throw new Error(`deployment ${deploymentId} took over 2 minutes`);
      }
    };

    /** The lifecycle events the server recorded for every instance of a deployment. */
    const lifecycle = async (deploymentId: string) => {
      const { deploymentTargets } = await cd.send(
        new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: agents.map((a) => a.name) }),
      );
      return deploymentTargets!.map((t) => t.instanceTarget!.lifecycleEvents ?? []);
    };

    // The first deployment to a fleet has no ApplicationStop scripts yet: a warm-up, not measured.
    await deploy("all");

    const allTotals: number[] = [];
    const calls: number[] = [];
    const toCommand: number[] = [];
    const toInProgress: number[] = [];
    let earlyCommand = 0;
    let earlyInProgress = 0;
    const cpuBefore = { server: cpuOf(server.pid), agents: agents.map((a) => cpuOf(a.child.pid!)) };
    for (let i = 0; i < ALL_AT_ONCE_RUNS; i++) {
      const run = await deploy("all");
      allTotals.push(run.total);
      calls.push(run.call);
      const times = eventTimes(agents, run.deploymentId);
      if (times.length !== AGENTS * 7)
        throw new Error(`${times.length} commands logged for ${run.deploymentId}, not ${AGENTS * 7}`);
      const firstCommand = times[0]!.polled;
      if (firstCommand <= run.returnedAt) earlyCommand++;
      toCommand.push(Math.max(0, firstCommand - run.returnedAt));
      const events: LifecycleEvent[][] = await lifecycle(run.deploymentId);
      const firstStart = Math.min(...events.map((e) => e[0]!.startTime!.getTime()));
      if (firstStart <= run.returnedAt) earlyInProgress++;
      toInProgress.push(Math.max(0, firstStart - run.returnedAt));
    }
    // CPU time per deployment (including the GetDeployment polls and the bench's own calls).
    const serverCpu = (cpuOf(server.pid).own - cpuBefore.server.own) / ALL_AT_ONCE_RUNS;
    const agentsAfter = agents.map((a) => cpuOf(a.child.pid!));
    const agentCpu =
      agentsAfter.reduce((sum, c, k) => sum + c.own - cpuBefore.agents[k]!.own, 0) / ALL_AT_ONCE_RUNS;
    const hookCpu =
      agentsAfter.reduce((sum, c, k) => sum + c.children - cpuBefore.agents[k]!.children, 0) /
      ALL_AT_ONCE_RUNS;

    const oneTotals: number[] = [];
    const ack: number[] = [];
    const inEvent: number[] = [];
    const handOver: number[] = [];
    const betweenInstances: number[] = [];
    const byEvent = new Map<string, number[]>();
    for (let i = 0; i < ONE_AT_A_TIME_RUNS; i++) {
      const run = await deploy("one");
      oneTotals.push(run.total);
      const times = eventTimes(agents, run.deploymentId);
      for (const t of times) {
        if (t.running !== undefined && t.done !== undefined) {
          const list = byEvent.get(t.event) ?? [];
          list.push(t.done - t.running);
          byEvent.set(t.event, list);
        }
        if (t.running !== undefined) ack.push(t.running - t.polled);
        if (t.done !== undefined && t.running !== undefined && HOOKS.includes(t.event))
          inEvent.push(t.done - t.running);
      }
      const byAgent = agents
        .map((a) => times.filter((t) => t.agent === a.name))
        .sort((x, y) => x[0]!.polled - y[0]!.polled);
      for (const own of byAgent) {
        for (let k = 1; k < own.length; k++) handOver.push(own[k]!.polled - own[k - 1]!.done!);
      }
      // The next instance's first command after the previous instance's last report.
      for (let k = 1; k < byAgent.length; k++)
        betweenInstances.push(byAgent[k]![0]!.polled - byAgent[k - 1]!.at(-1)!.done!);
    }
    const idleAfter = agents.map((a) => rssOf(a.child.pid!));

    const perInstance = oneTotals.map((t) => t / AGENTS);
    const p50 = (xs: number[]) => percentile(xs, 50);
    const overhead = p50(perInstance) - p50(hooksOne);
    return [
      {
        name: `${AGENTS} agents, AllAtOnce, a 1 MiB revision, every hook \`true\`: CreateDeployment → Succeeded, p50 / max (${ALL_AT_ONCE_RUNS} deployments)`,
        value: `${fmtMs(p50(allTotals))} / ${fmtMs(Math.max(...allTotals))}`,
        baseline: `${fmtMs(p50(hooksTen))} bash running the ${AGENTS} instances' ${AGENTS * HOOKS.length} hook scripts in turn (p50)`,
        ratio: fmtRatio(p50(allTotals), p50(hooksTen)),
        target: "< 2 s",
      },
      {
        name: `… CPU per AllAtOnce deployment: server / ${AGENTS} agents / their hook scripts`,
        value: `${fmtMs(serverCpu)} / ${fmtMs(agentCpu)} / ${fmtMs(hookCpu)}`,
        baseline: `${fmtMs(2 * p50(allTotals))} the machine's 2 cores × the p50 wall time`,
        ratio: fmtRatio(serverCpu + agentCpu + hookCpu, 2 * p50(allTotals)),
        target: "—",
      },
      {
        name: `${AGENTS} agents, OneAtATime: CreateDeployment → Succeeded per instance, p50 (${ONE_AT_A_TIME_RUNS} deployments; ${fmtMs(p50(oneTotals))} each)`,
        value: fmtMs(p50(perInstance)),
        baseline: `${fmtMs(p50(hooksOne))} bash running one instance's ${HOOKS.length} hook scripts (p50)`,
        ratio: fmtRatio(p50(perInstance), p50(hooksOne)),
        target: `< 200 ms beyond the hooks (here ${fmtMs(overhead)})`,
      },
      {
        name: `… OneAtATime, per lifecycle event by the agents' logs: command received → acknowledged (GetDeploymentSpecification at a deployment's first event, PutHostCommandAcknowledgement), p50 (${ack.length} events)`,
        value: fmtMs(p50(ack)),
        baseline: "—",
        ratio: "—",
        target: "—",
      },
      {
        name: `… OneAtATime, a \`true\` hook acknowledged → PutHostCommandComplete answered, p50 (${inEvent.length} events)`,
        value: fmtMs(p50(inEvent)),
        baseline: `${fmtMs(p50(oneScript))} bash -c running the script once (p50)`,
        ratio: fmtRatio(p50(inEvent), p50(oneScript)),
        target: "—",
      },
      {
        name: "… OneAtATime, acknowledged → PutHostCommandComplete answered, p50 per event",
        value: [...byEvent].map(([event, ms]) => `${event} ${fmtMs(p50(ms))}`).join(", "),
        baseline: "—",
        ratio: "—",
        target: "—",
      },
      {
        name: `… OneAtATime, an event reported → the agent has its next command (PollHostCommand), p50 (${handOver.length} hand-overs)`,
        value: fmtMs(p50(handOver)),
        baseline: "—",
        ratio: "—",
        target: "—",
      },
      {
        name: `… OneAtATime, an instance's last event reported → the next instance's agent has its command (long-poll wake-up), p50 (${betweenInstances.length} hand-overs)`,
        value: fmtMs(p50(betweenInstances)),
        baseline: "—",
        ratio: "—",
        target: "—",
      },
      {
        name: `CreateDeployment returned → first agent has its command (PollHostCommand answered), p50 / max (${ALL_AT_ONCE_RUNS} AllAtOnce deployments; ${earlyCommand} before it returned)`,
        value: `${fmtMs(p50(toCommand))} / ${fmtMs(Math.max(...toCommand))}`,
        baseline: `${fmtMs(p50(calls))} the CreateDeployment call itself (p50)`,
        ratio: fmtRatio(p50(toCommand), p50(calls)),
        target: "< 100 ms",
      },
      {
        name: `CreateDeployment returned → first lifecycle event InProgress (acknowledged), p50 / max (${ALL_AT_ONCE_RUNS} deployments; ${earlyInProgress} before it returned)`,
        value: `${fmtMs(p50(toInProgress))} / ${fmtMs(Math.max(...toInProgress))}`,
        baseline: `${fmtMs(p50(calls))} the CreateDeployment call itself (p50)`,
        ratio: fmtRatio(p50(toInProgress), p50(calls)),
        target: "< 100 ms",
      },
      {
        name: `idle \`pipewright agent\` (registered, long-polling), RSS p50 / max of ${AGENTS}`,
        value: `${fmtMiB(percentile(idle, 50))} / ${fmtMiB(Math.max(...idle))}`,
        baseline: `${fmtMiB(bareRss)} bare \`node -e\` idle`,
        ratio: fmtRatio(percentile(idle, 50), bareRss),
        target: "< 60 MB",
      },
      {
        name: `… the same agents idle again after ${1 + ALL_AT_ONCE_RUNS + ONE_AT_A_TIME_RUNS} deployments, RSS p50 / max`,
        value: `${fmtMiB(percentile(idleAfter, 50))} / ${fmtMiB(Math.max(...idleAfter))}`,
        baseline: `${fmtMiB(bareRss)} bare \`node -e\` idle`,
        ratio: fmtRatio(percentile(idleAfter, 50), bareRss),
        target: "—",
      },
    ];
  } finally {
    bare?.kill("SIGTERM");
    for (const agent of agents) agent.child.kill("SIGTERM");
    await Promise.all(
      agents
        .filter((a) => a.child.exitCode === null && a.child.signalCode === null)
        .map((a) => new Promise((r) => a.child.once("exit", r))),
    );
    cd.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
