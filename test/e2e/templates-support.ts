/** What the tests of projects from templates share: running the agent command a project prints. */
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnPipewright, type CliProcess } from "../support/cli.js";
import type { TestServer } from "../support/server.js";

/** The agent a project's Next steps say to start, running, and how to stop it and its app. */
export interface ProjectAgent {
  agent: CliProcess;
  /** Stops the agent, the app its hooks started and removes the agent's root. */
  stop(): Promise<void>;
}

/**
 * Runs `APP_PORT=<port> pipewright agent …` as printed (split on spaces: it holds no quotes), with
 * the server's key in the environment as a terminal with `AWS_PROFILE` set would have it.
 */
export function startProjectAgent(command: string, server: TestServer, project: string): ProjectAgent {
  const match = /^APP_PORT=(\d+) pipewright (agent .+)$/.exec(command.trim());
  if (!match) throw new Error(`not an agent command: ${command}`);
  const port = match[1]!;
  const args = match[2]!.split(/\s+/);
  const root = args[args.indexOf("--root") + 1]!;
  rmSync(root, { recursive: true, force: true });
  const agent = spawnPipewright(args, {
    APP_PORT: port,
    AWS_ACCESS_KEY_ID: server.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.clientConfig.credentials.secretAccessKey,
    AWS_REGION: server.clientConfig.region,
  });
  return {
    agent,
    async stop() {
      agent.child.kill("SIGTERM");
      await agent.exited;
      // The hook scripts keep the app's pid here (TMPDIR or /tmp, as the scripts do).
      const runDir = join(process.env.TMPDIR || tmpdir(), `pipewright-${project}-${port}`);
      try {
        process.kill(Number(readFileSync(join(runDir, "app.pid"), "utf8")), "SIGTERM");
      } catch {
        // Not running.
      }
      rmSync(runDir, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
