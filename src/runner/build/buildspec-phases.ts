/**
 * INSTALL, PRE_BUILD, BUILD and POST_BUILD, with the transitions of "Build phase transitions":
 * a failure in INSTALL or PRE_BUILD goes straight to FINALIZING; a failure in BUILD still runs
 * POST_BUILD (with CODEBUILD_BUILD_SUCCEEDING=0); `on-failure: CONTINUE` goes on to the next phase.
 */
import type { BuildspecPhase } from "../../formats/buildspec/index.js";
import type { PhaseContext } from "../api.js";
import { runPhase, type BuildState } from "./build-state.js";
import { runPhaseCommands, type CommandRunner } from "./phase-commands.js";
import { enterPhaseUser } from "./run-as.js";
import { buildVersions, resolveRuntimeVersions } from "./runtime-versions.js";

/** What happened in the buildspec phases. */
export interface PhasesResult {
  /** True when UPLOAD_ARTIFACTS is due: BUILD was reached and the build was not stopped or timed out. */
  uploadArtifacts: boolean;
}

/** Runs the four buildspec phases in order. */
export async function runBuildspecPhases(state: BuildState): Promise<PhasesResult> {
  const buildspec = state.buildspec!;
  const runner: CommandRunner = {
    session: state.session!,
    log: state.log,
    deadline: state.deadline,
    timeoutInMinutes: state.job.timeoutInMinutes,
    signal: state.options.signal,
    now: state.now,
  };
  let succeedingExported = false;
  let reachedBuild = false;
  for (const phase of buildspec.phases) {
    if (phase.type === "BUILD") reachedBuild = true;
    // The build shell learns the build is failing before the next phase (POST_BUILD reads it).
    if (state.status !== "SUCCEEDED" && !succeedingExported) {
      succeedingExported = true;
      if (buildspec.shellPerCommand) runner.prelude = "export CODEBUILD_BUILD_SUCCEEDING=0";
      else await state.session!.run("export CODEBUILD_BUILD_SUCCEEDING=0");
    }
    const status = await runPhase(state, phase.type, () => runBuildspecPhase(state, runner, phase));
    if (status === "TIMED_OUT" || status === "STOPPED" || status === "FAULT") {
      return { uploadArtifacts: false };
    }
    if (status === "FAILED" && phase.onFailure.action !== "CONTINUE") {
      // INSTALL and PRE_BUILD failures skip to FINALIZING; BUILD goes on to POST_BUILD; POST_BUILD to UPLOAD_ARTIFACTS.
      if (phase.type === "INSTALL" || phase.type === "PRE_BUILD") return { uploadArtifacts: false };
    }
  }
  return { uploadArtifacts: reachedBuild };
}

async function runBuildspecPhase(
  state: BuildState,
  runner: CommandRunner,
  phase: BuildspecPhase,
): Promise<PhaseContext | undefined> {
  // A phase's own run-as wins over the top-level one; an unknown user fails this phase (run-as.ts).
  if (phase.declared) await enterPhaseUser(state, phase);
  if (phase.type === "INSTALL" && Object.keys(phase.runtimeVersions).length > 0) {
    const path = state.env?.PATH ?? "";
    const resolved = await resolveRuntimeVersions(phase.runtimeVersions, () =>
      buildVersions(state.workspace!, path),
    );
    for (const r of resolved) state.log.container(`Runtime ${r.runtime} ${r.requested}: using ${r.version}`);
  }
  if (!phase.declared) return undefined;
  return runPhaseCommands(runner, phase);
}
