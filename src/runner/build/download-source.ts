/**
 * DOWNLOAD_SOURCE: sources fetched, the buildspec read and checked, variables resolved, the cache
 * restored and the build's shell started — all before INSTALL, so a bad buildspec or a missing
 * parameter fails the build before any command runs.
 */
import type { PhaseContext } from "../api.js";
import { startShellSession } from "../shell/index.js";
import type { BuildState } from "./build-state.js";
import { restoreCache } from "./cache.js";
import { resolveEnvironment } from "./environment.js";
import { BuildStepError, CONTEXT, RunnerApiError } from "./errors.js";
import { configureGitCredentialHelper } from "./git-credentials.js";
import { readBuildspec } from "./read-buildspec.js";
import { startingUser } from "./run-as.js";

/** The DOWNLOAD_SOURCE phase body. */
export async function downloadSource(state: BuildState): Promise<PhaseContext | undefined> {
  const { job, api, log } = state;
  const dirs = state.dirs!;
  const primary = await fetchSource(state, job.source, dirs.src);
  for (const source of job.secondarySources) {
    const id = source.sourceIdentifier ?? "";
    await fetchSource(state, source, dirs.secondary[id] ?? dirs.src);
  }
  log.container(`CODEBUILD_SRC_DIR=${dirs.src}`);
  const loaded = await readBuildspec(job, dirs.src, (line) => log.line(line));
  for (const warning of loaded.warnings) log.line(warning);
  state.buildspec = loaded.buildspec;
  log.container("Processing environment variables");
  state.env = await resolveEnvironment(job, loaded.buildspec, api, state.masker, {
    srcDir: dirs.src,
    secondaryDirs: dirs.secondary,
    homeDir: dirs.home,
    resolvedSourceVersion: primary.resolvedSourceVersion,
  });
  if (job.cache.type !== "NO_CACHE" && loaded.buildspec.cache) {
    const found = await restoreCache(job, api, dirs.cache, dirs.src);
    log.container(found ? "Restored the project's cache" : "No cache to restore");
  }
  if (loaded.buildspec.env.gitCredentialHelper) {
    const cloneUrls = [job.source, ...job.secondarySources]
      .filter((source) => source.type === "CODECOMMIT" && source.location !== undefined)
      .map((source) => source.location!);
    await configureGitCredentialHelper(state.env, cloneUrls, dirs.home, log);
  }
  const user = await startingUser(state, loaded.buildspec);
  state.session = await startShellSession({
    sandbox: state.sandbox!,
    cwd: dirs.src,
    env: state.env,
    writablePaths: [dirs.root, dirs.src],
    hiddenPaths: state.options.hiddenPaths,
    network: job.network,
    buildspecVersion: loaded.buildspec.version,
    // Buildspec reference, env/shell: "For Linux operating systems, supported shell tags are: bash,
    // /bin/sh". Without it, Pipewright uses bash (it runs POSIX sh commands too).
    shell: loaded.buildspec.env.shell === "/bin/sh" ? "sh" : "bash",
    user,
    controlDir: dirs.control,
    // Output of daemons between commands still belongs in the log.
    onIdleOutput: (line) => log.line(line),
  });
  return undefined;
}

async function fetchSource(
  state: BuildState,
  source: BuildState["job"]["source"],
  dir: string,
): Promise<{ resolvedSourceVersion?: string }> {
  try {
    return await state.api.fetchSource(state.job, source, dir);
  } catch (err) {
    if (err instanceof RunnerApiError) throw err;
    // AWS reports a source that cannot be downloaded as CLIENT_ERROR in DOWNLOAD_SOURCE.
    throw new BuildStepError(
      "FAILED",
      {
        statusCode: CONTEXT.client,
        message: `cannot download source${source.sourceIdentifier ? ` ${source.sourceIdentifier}` : ""}: ${(err as Error).message}`,
      },
      { cause: err },
    );
  }
}
