/**
 * `runBuild`: one CodeBuild build, phase by phase, reported through a {@link RunnerApi}. Build
 * failures become statuses and phase contexts, never exceptions.
 */
import { rm } from "node:fs/promises";
import { detectSandbox, type Sandbox } from "../../platform/sandbox/index.js";
import type { BuildJob, BuildOutcome, RunnerApi } from "../api.js";
import { createBuildDirs, Workspace } from "../workspace/index.js";
import { uploadArtifacts } from "./artifacts.js";
import { BuildLog } from "./build-log.js";
import { failureOf, runPhase, type BuildState, type RunBuildOptions } from "./build-state.js";
import { runBuildspecPhases } from "./buildspec-phases.js";
import { saveCache } from "./cache.js";
import { downloadSource } from "./download-source.js";
import { BuildStepError, CONTEXT, RunnerApiError } from "./errors.js";
import { SecretMasker } from "./masking.js";
import { PhaseRecorder } from "./phase-recorder.js";
import { collectReports } from "./test-reports.js";

/**
 * Runs `job` to the end and reports it: phases through `api.phasesChanged`, log lines through
 * `api.appendLogs`, artifacts, reports and cache through their calls, and the outcome through
 * `api.finish`, which it also returns. A failing build resolves (FAILED, TIMED_OUT, STOPPED); an
 * `api` error or engine defect resolves FAULT with a context naming the cause.
 *
 * @throws only when `api.finish` itself fails.
 */
export async function runBuild(
  job: BuildJob,
  api: RunnerApi,
  options: RunBuildOptions,
): Promise<BuildOutcome> {
  const now = options.now ?? Date.now;
  const masker = new SecretMasker();
  const state: BuildState = {
    job,
    api,
    options,
    now,
    masker,
    log: new BuildLog(job, api, masker, { now, flushMs: options.logFlushMs }),
    phases: new PhaseRecorder(job, api, now),
    deadline: now() + job.timeoutInMinutes * 60_000,
    status: "SUCCEEDED",
    outcome: { secondaryArtifacts: [], exportedEnvironmentVariables: [] },
  };
  // StopBuild kills the whole process tree at once; the running command then ends "killed".
  const onAbort = () => void state.session?.kill();
  options.signal.addEventListener("abort", onAbort);
  try {
    await execute(state);
  } catch (err) {
    // Only RunnerApi failures (e.g. phasesChanged) and defects reach here.
    await faultBuild(state, err);
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    await state.session?.kill().catch(() => undefined);
    // Every process of the build has ended: nothing can race the removal of its tree.
    if (state.dirs && !options.keepBuildDir) await rm(state.dirs.root, { recursive: true, force: true });
    state.users?.release();
  }
  // The control plane gets the last phase change before it hears how the build ended.
  await state.phases.flush().catch(() => undefined);
  const outcome: BuildOutcome = {
    status: state.status,
    phases: structuredClone(state.phases.phases),
    ...state.outcome,
  };
  await api.finish(job, outcome);
  return outcome;
}

async function execute(state: BuildState): Promise<void> {
  const { job, phases } = state;
  let unavailable: Error | undefined;
  try {
    const sandbox = await (state.options.sandbox ?? detectSandbox().then((d) => d.sandbox));
    state.sandbox = sandbox;
    // The log's first line says what isolates the build (or that nothing does).
    state.log.container(`${sandbox.description}${networkSentence(job.network, sandbox)}`);
  } catch (err) {
    unavailable = err as Error;
  }
  await phases.start("SUBMITTED", job.startTime);
  await phases.end("SUCCEEDED");
  await phases.start("QUEUED");
  await phases.end("SUCCEEDED");
  const provisioned = await runPhase(state, "PROVISIONING", async () => {
    if (unavailable) {
      throw new BuildStepError("FAULT", { statusCode: CONTEXT.fault, message: unavailable.message });
    }
    const sandbox = state.sandbox!;
    state.users = sandbox.reserveUsers();
    state.dirs = await createBuildDirs(job, state.options.workRoot, {
      remap: sandbox.remapsPaths,
      users: state.users,
    });
    state.workspace = new Workspace({
      sandbox,
      users: state.users,
      dirs: state.dirs,
      hiddenPaths: state.options.hiddenPaths,
      id: job.buildId,
      signal: state.options.signal,
    });
    return undefined;
  });
  let upload = false;
  if (
    provisioned === "SUCCEEDED" &&
    (await runPhase(state, "DOWNLOAD_SOURCE", () => downloadSource(state))) === "SUCCEEDED"
  ) {
    upload = (await runBuildspecPhases(state)).uploadArtifacts;
  }
  // "The UPLOAD_ARTIFACTS phase is always attempted, even if the BUILD phase fails."
  if (upload) await runPhase(state, "UPLOAD_ARTIFACTS", () => uploadPhase(state));
  await runPhase(state, "FINALIZING", () => finalize(state));
  await state.log.flush();
  await phases.complete();
}

async function uploadPhase(state: BuildState): Promise<undefined> {
  const { job, api, log } = state;
  const buildspec = state.buildspec!;
  const workspace = state.workspace!;
  if (buildspec.reports.length > 0) {
    const reports = await collectReports(buildspec, workspace, (text) => log.container(text));
    try {
      await api.submitReports(job, reports);
    } catch (err) {
      throw new RunnerApiError("submitReports", err);
    }
  }
  const uploaded = await uploadArtifacts(state, state.options.excludeFromArtifacts ?? []);
  state.outcome.artifacts = uploaded.artifacts;
  state.outcome.secondaryArtifacts = uploaded.secondaryArtifacts;
  return undefined;
}

/** FINALIZING: exported variables, the cache, and the end of every process the build left. */
async function finalize(state: BuildState): Promise<undefined> {
  const { session, buildspec, dirs, job } = state;
  const live = state.status !== "TIMED_OUT" && state.status !== "STOPPED";
  if (session && buildspec && live && buildspec.env.exportedVariables.length > 0) {
    state.outcome.exportedEnvironmentVariables = await exportedVariables(state, session, buildspec);
  }
  // close() ends the shell and, within about a second, every daemon a command left running.
  await session?.close();
  if (dirs && buildspec?.cache && job.cache.type !== "NO_CACHE" && live) {
    const count = await saveCache(state, buildspec.cache);
    state.log.container(`Saved ${count} files to the project's cache`);
  }
  return undefined;
}

/**
 * `env.exported-variables` as the build left them, without any that holds a secret: one resolved
 * from a secret store, or one whose value contains a secret's (`export COPY=$TOKEN`). Those stay
 * out of the build record, with a line in the log saying so (never the value).
 */
async function exportedVariables(
  state: BuildState,
  session: NonNullable<BuildState["session"]>,
  buildspec: NonNullable<BuildState["buildspec"]>,
): Promise<Array<{ name: string; value: string }>> {
  const names = buildspec.env.exportedVariables.filter((name) => !name.startsWith("AWS_"));
  const values = await session.readVariables(names);
  const exported: Array<{ name: string; value: string }> = [];
  for (const name of names) {
    const value = values[name];
    if (value === undefined) continue;
    if (state.secretNames?.has(name) || state.masker.mask(value) !== value) {
      state.log.container(`Not exporting ${name}: it holds a secret value`);
      continue;
    }
    exported.push({ name, value });
  }
  return exported;
}

/** Marks the build FAULT after an api failure outside a phase body; reports what it still can. */
async function faultBuild(state: BuildState, err: unknown): Promise<void> {
  const phase = state.phases.current;
  const [, contexts] = failureOf(phase?.phaseType ?? "FINALIZING", err);
  state.status = "FAULT";
  if (phase) {
    phase.phaseStatus = "FAULT";
    phase.endTime = state.now();
    phase.durationInSeconds = Math.round((phase.endTime - phase.startTime) / 1000);
    phase.contexts = contexts;
  }
  await state.log.flush().catch(() => undefined);
}

/** The build's network in a sentence, for the log's first line. */
function networkSentence(network: BuildJob["network"], sandbox: Sandbox): string {
  if (sandbox.kind === "process") return "";
  const effective = network === "isolated" ? sandbox.isolatedNetwork : network;
  switch (effective) {
    case "isolated":
      return " Network: its own (outbound and DNS; of the host's loopback only this server's port).";
    case "host":
      return network === "host"
        ? " Network: the host's, loopback included."
        : " Network: the host's (none of its own can be made here).";
    default:
      return " Network: none.";
  }
}
