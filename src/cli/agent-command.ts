import { mkdirSync } from "node:fs";
import type { Command } from "commander";
import { runAgent } from "../agent/agent.js";
import { DEFAULT_ENDPOINT, exitWith, resolveAws, serverOptions } from "./aws-config.js";

interface AgentFlags {
  endpoint?: string;
  dataDir?: string;
  name: string;
  tags?: string;
  root: string;
  once?: boolean;
}

/**
 * `pipewright agent --name NAME [--tags k=v,…] [--root DIR] [--once]`: the CodeDeploy agent on
 * this machine. Registers it as an on-premises instance, then runs the deployments the server
 * sends it. Credentials and region as the AWS CLI finds them. SIGINT / SIGTERM stop it once the
 * running command (if any) is reported. Exit code 1 when a command failed (with `--once`, the
 * deployment failed here), else 0.
 */
export function registerAgentCommand(program: Command): void {
  serverOptions(
    program
      .command("agent")
      .description(
        "run the CodeDeploy agent on this machine: register it, then run the deployments it is sent",
      )
      .requiredOption("--name <name>", "the on-premises instance name to register as")
      .option("--tags <k=v,...>", "tags to add to the instance, e.g. env=test,role=web")
      .option(
        "--root <dir>",
        "directory treated as / for the appspec's destinations and the agent's state",
        "/",
      )
      .option("--once", "exit after this instance's part of one deployment ends (or a command fails)"),
  ).action((flags: AgentFlags) => exitWith(() => agent(flags)));
}

async function agent(flags: AgentFlags): Promise<number> {
  const aws = resolveAws({
    dataDir: flags.dataDir,
    endpoint: flags.endpoint,
    defaultEndpoint: DEFAULT_ENDPOINT,
  });
  // A root of its own (several agents on one machine) is made when missing, as `mkdir -p` would.
  mkdirSync(flags.root, { recursive: true });
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
  const result = await runAgent({
    endpoint: aws.endpoint,
    key: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey, region: aws.region },
    name: flags.name,
    tags: parseTags(flags.tags),
    root: flags.root,
    once: flags.once ?? false,
    signal: stop.signal,
  });
  return result.failed ? 1 : 0;
}

/**
 * `k=v,k2=v2` as CodeDeploy tags.
 * @throws Error naming the item that has no `=` or an empty key.
 */
export function parseTags(text: string | undefined): Array<{ Key: string; Value: string }> {
  if (text === undefined || text.trim() === "") return [];
  return text.split(",").map((item) => {
    const at = item.indexOf("=");
    const key = at < 0 ? "" : item.slice(0, at).trim();
    if (key === "") throw new Error(`--tags: ${JSON.stringify(item)} must be key=value (e.g. env=test)`);
    return { Key: key, Value: item.slice(at + 1).trim() };
  });
}
