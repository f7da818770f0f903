import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { CodeBuildClient, CreateProjectCommand, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess, type CliProcess } from "../support/cli.js";
import { tempDir } from "../support/stores.js";
import { PROJECT_BASICS, waitForBuild } from "./codebuild-support.js";

/** Pids of live processes whose command line contains `token` (zombies have an empty one). */
function processesWith(token: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(token)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** The server process killed with SIGKILL in the middle of a build, then started again. */
describe("a server killed mid-build", () => {
  const data = tempDir("pipewright-crash-");
  const servers: CliProcess[] = [];
  afterAll(async () => {
    for (const s of servers) {
      if (s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill("SIGTERM");
        await s.exited;
      }
    }
    data.remove();
  });

  it("leaves no build process behind, and the build ends FAULT with its logs after a restart", async () => {
    const token = `crash-${randomUUID()}`;
    const first = await startServerProcess(data.dir);
    servers.push(first.cli);
    const codebuild = new CodeBuildClient(first.config);
    await codebuild.send(
      new CreateProjectCommand({
        name: "crashy",
        // `sh -c` keeps a process with the token in its command line for as long as the sleep runs.
        source: {
          type: "NO_SOURCE",
          buildspec: `version: 0.2\nphases:\n  build:\n    commands:\n      - echo before-crash-${token}\n      - sh -c 'sleep 300; echo ${token}'\n`,
        },
        artifacts: { type: "NO_ARTIFACTS" },
        ...PROJECT_BASICS,
      }),
    );
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "crashy" }));
    const id = build!.id!;
    const running = await waitForBuild(codebuild, id, (b) => b.currentPhase === "BUILD", 30_000);
    expect(running.buildStatus).toBe("IN_PROGRESS");
    // The scan below can only fail if it could have found something: the sleeper must be running.
    expect(await until(() => processesWith(token).length > 0, 10_000)).toBe(true);
    const logs = new CloudWatchLogsClient(first.config);
    const logLines = async () => {
      // The log group and stream exist from the first stored batch on, as on AWS.
      const out = await logs
        .send(
          new GetLogEventsCommand({
            logGroupName: running.logs!.groupName!,
            logStreamName: running.logs!.streamName!,
            startFromHead: true,
          }),
        )
        .catch((err: Error) => {
          if (err.name === "ResourceNotFoundException") return { events: [] };
          throw err;
        });
      return (out.events ?? []).map((e) => e.message);
    };
    // Lines reach the store in batches (every 100 ms): wait for the one the crash must not lose —
    // the command's output, not the "Running command" line that also names the token.
    const deadline = Date.now() + 10_000;
    while (!(await logLines()).includes(`before-crash-${token}`) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await logLines()).toContain(`before-crash-${token}`);

    first.cli.child.kill("SIGKILL");
    expect(await first.cli.exited).toBe("SIGKILL");
    // bubblewrap runs with --die-with-parent: the whole sandbox goes with the server.
    const gone = await until(() => processesWith(token).length === 0, 5_000);
    expect(gone ? [] : processesWith(token)).toEqual([]);

    const second = await startServerProcess(data.dir);
    servers.push(second.cli);
    const restarted = new CodeBuildClient(second.config);
    // The restarted server sees that the lease holder (the killed process, on this machine) is gone
    // and ends the build before it serves requests, without waiting for the lease to run out.
    const ended = await waitForBuild(restarted, id, undefined, 5_000);
    expect(ended.buildStatus).toBe("FAULT");
    const build_ = ended.phases!.find((p) => p.phaseType === "BUILD")!;
    expect(build_.phaseStatus).toBe("FAULT");
    expect(build_.contexts?.map((c) => c.message).join(" ")).toMatch(/server stopped while the build ran/);
    const after = new CloudWatchLogsClient(second.config);
    const kept = await after.send(
      new GetLogEventsCommand({
        logGroupName: ended.logs!.groupName!,
        logStreamName: ended.logs!.streamName!,
        startFromHead: true,
      }),
    );
    expect(kept.events?.map((e) => e.message)).toContain(`before-crash-${token}`);

    // The project still builds on the restarted server.
    const next = await restarted.send(
      new StartBuildCommand({
        projectName: "crashy",
        buildspecOverride: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo after-restart\n",
      }),
    );
    const done = await waitForBuild(restarted, next.build!.id!, undefined, 30_000);
    expect(done.buildStatus).toBe("SUCCEEDED");
  }, 90_000);

  it("a build cut short by a clean shutdown ends STOPPED, saying the server shut down", async () => {
    const dir = tempDir("pipewright-shutdown-");
    const first = await startServerProcess(dir.dir);
    servers.push(first.cli);
    const codebuild = new CodeBuildClient(first.config);
    await codebuild.send(
      new CreateProjectCommand({
        name: "long",
        source: {
          type: "NO_SOURCE",
          buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 300\n",
        },
        artifacts: { type: "NO_ARTIFACTS" },
        ...PROJECT_BASICS,
      }),
    );
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "long" }));
    await waitForBuild(codebuild, build!.id!, (b) => b.currentPhase === "BUILD", 30_000);
    first.cli.child.kill("SIGTERM");
    expect(await first.cli.exited).toBe(0);
    const second = await startServerProcess(dir.dir);
    servers.push(second.cli);
    const ended = await waitForBuild(new CodeBuildClient(second.config), build!.id!, undefined, 10_000);
    expect(ended.buildStatus).toBe("STOPPED");
    const phase = ended.phases!.find((p) => p.phaseType === "BUILD")!;
    expect(phase.contexts?.map((c) => c.message).join(" ")).toContain(
      "Build was stopped because the Pipewright server shut down while it ran",
    );
    second.cli.child.kill("SIGTERM");
    await second.cli.exited;
    dir.remove();
  }, 60_000);
});
