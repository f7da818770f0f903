import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { cp, lstat, mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { formatArn } from "../core/ids.js";
import type { BuildJob, EnvironmentVariable } from "../runner/index.js";

/** Default artifacts directory, inside the directory being built (and never packaged itself). */
export const DEFAULT_ARTIFACTS_DIR = ".pipewright-artifacts";

interface BuildFlags {
  buildspec?: string;
  env: string[];
  artifacts: string;
  sandbox: boolean;
  keep?: boolean;
  inPlace?: boolean;
  timeout: string;
}

/**
 * `pipewright build`: runs the buildspec of the current directory with the same engine as the
 * server, without one. Exit code 0 when the build SUCCEEDED, 1 otherwise.
 */
export function registerBuildCommand(program: Command): void {
  program
    .command("build")
    .description("run the buildspec in the current directory, as CodeBuild would, without a server")
    .option(
      "-b, --buildspec <file>",
      "buildspec file, relative to the current directory (default buildspec.yml)",
    )
    .option(
      "-e, --env <NAME=VALUE...>",
      "environment variable (repeatable); overrides the buildspec's",
      collect,
      [],
    )
    .option("-a, --artifacts <dir>", "directory for the artifacts", DEFAULT_ARTIFACTS_DIR)
    .option("--no-sandbox", "run as a plain process instead of in bubblewrap")
    .option("--keep", "keep the build directory (HOME, staging, the copy) and print where it is")
    .option("--in-place", "build the current directory itself instead of a copy of it")
    .option("--timeout <minutes>", "build timeout in minutes", "60")
    .action(async (flags: BuildFlags) => {
      const code = await localBuild(flags);
      // Exit now rather than when the last grace timer of the ended sandbox fires (up to a second).
      await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
      process.exit(code);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function localBuild(flags: BuildFlags): Promise<number> {
  const cwd = process.cwd();
  const variables: EnvironmentVariable[] = [];
  for (const pair of flags.env) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      process.stderr.write(`pipewright build: --env ${pair}: expected NAME=VALUE\n`);
      return 2;
    }
    variables.push({ name: pair.slice(0, eq), value: pair.slice(eq + 1), type: "PLAINTEXT" });
  }
  // Loaded here, not at the top: every other command (the agent above all) starts smaller.
  const [{ createProcessSandbox, detectSandbox }, { createLocalRunnerApi, phaseTable, runBuild }] =
    await Promise.all([import("../platform/sandbox/index.js"), import("../runner/index.js")]);
  const sandbox = flags.sandbox
    ? (await detectSandbox({ mapUsers: false })).sandbox
    : createProcessSandbox({ reason: "--no-sandbox was given" });
  const artifactsDir = resolve(cwd, flags.artifacts);
  const project = cwd.split("/").filter(Boolean).at(-1) ?? "local";
  const uuid = randomUUID();
  const workRoot = join(tmpdir(), "pipewright-build");
  // As CodeBuild's local agent does, the build works on a copy: what it installs, generates and
  // deletes stays out of the working tree (the artifacts directory is the build's output there).
  const source = flags.inPlace ? cwd : join(workRoot, `${uuid}-source`);
  if (!flags.inPlace) await copySource(cwd, source, artifactsDir);
  const scope = { accountId: "000000000000", region: process.env.AWS_REGION ?? "us-east-1" };
  const codebuildArn = (resource: string) => formatArn({ service: "codebuild", ...scope, resource });
  const job: BuildJob = {
    buildId: `${project}:${uuid}`,
    buildArn: codebuildArn(`build/${project}:${uuid}`),
    buildNumber: 1,
    projectName: project,
    projectArn: codebuildArn(`project/${project}`),
    ...scope,
    initiator: process.env.USER ?? "local",
    source: {
      type: "LOCAL",
      location: source,
      ...(flags.buildspec !== undefined && { buildspec: flags.buildspec }),
    },
    secondarySources: [],
    environmentVariables: variables,
    image: "local",
    computeType: "BUILD_GENERAL1_SMALL",
    privilegedMode: false,
    // The developer's own machine: the build reaches what the developer reaches.
    network: "host",
    timeoutInMinutes: Number(flags.timeout) || 60,
    artifacts: { type: "LOCAL", location: artifactsDir, packaging: "NONE", name: "artifacts" },
    secondaryArtifacts: [],
    cache: { type: "NO_CACHE" },
    startTime: Date.now(),
  };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const outcome = await runBuild(job, createLocalRunnerApi({ artifactsDir }), {
    signal: controller.signal,
    workRoot,
    sandbox,
    keepBuildDir: flags.keep ?? false,
    excludeFromArtifacts: [artifactsDir],
    logFlushMs: 20,
  });
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  if (!flags.inPlace && !flags.keep) await rm(source, { recursive: true, force: true });
  const total = (outcome.phases.at(-1)?.startTime ?? job.startTime) - job.startTime;
  process.stdout.write(
    `\n${phaseTable(outcome)}\nBuild ${outcome.status} in ${(total / 1000).toFixed(2)} s\n`,
  );
  if (outcome.artifacts) process.stdout.write(`Artifacts: ${outcome.artifacts.location}\n`);
  if (flags.keep) {
    process.stdout.write(`Build directory kept: ${join(workRoot, uuid)}\n`);
    if (!flags.inPlace) process.stdout.write(`Source copy kept: ${source}\n`);
  }
  return outcome.status === "SUCCEEDED" ? 0 : 1;
}

/**
 * Copies the directory to build into `to`: files, directories and links (as links), modes and
 * times kept; the artifacts directory and anything that is not a file (a socket, a FIFO) left out.
 */
async function copySource(from: string, to: string, artifactsDir: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await cp(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    preserveTimestamps: true,
    filter: async (path) => {
      if (path === artifactsDir) return false;
      const stat = await lstat(path);
      return stat.isFile() || stat.isDirectory() || stat.isSymbolicLink();
    },
  });
}
