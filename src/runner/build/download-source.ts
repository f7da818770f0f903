/**
 * DOWNLOAD_SOURCE: sources fetched and unpacked, the buildspec read and checked, variables resolved,
 * the cache restored and the build's shell started — all before INSTALL, so a bad buildspec or a
 * missing parameter fails the build before any command runs.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { UnsafeEntryNameError, zipToTar } from "../../platform/archive/index.js";
import type { BuildSource, FetchedSource, PhaseContext } from "../api.js";
import { startShellSession } from "../shell/index.js";
import { buildMounts, WorkspaceError } from "../workspace/index.js";
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
  const primary = await fetchSource(state, job.source, dirs.host.src, dirs.inside.src);
  for (const source of job.secondarySources) {
    const id = source.sourceIdentifier ?? "";
    const host = dirs.host.secondary[id] ?? dirs.host.src;
    await fetchSource(state, source, host, dirs.inside.secondary[id] ?? dirs.inside.src);
  }
  log.container(`CODEBUILD_SRC_DIR=${dirs.inside.src}`);
  const loaded = await readBuildspec(job, state.workspace!, (line) => log.line(line));
  for (const warning of loaded.warnings) log.line(warning);
  state.buildspec = loaded.buildspec;
  log.container("Processing environment variables");
  const resolved = await resolveEnvironment(job, loaded.buildspec, api, state.masker, {
    srcDir: dirs.inside.src,
    secondaryDirs: dirs.inside.secondary,
    homeDir: dirs.inside.home,
    resolvedSourceVersion: primary.resolvedSourceVersion,
  });
  state.env = resolved.env;
  state.secretNames = resolved.secretNames;
  // CodeBuild gives a build its service role's credentials; Pipewright has no roles yet.
  if (job.endpointUrl && !resolved.env.AWS_ACCESS_KEY_ID) {
    log.container(
      "No AWS credentials: builds get no role's credentials yet, so the AWS CLI inside cannot call " +
        "this server. Give the project (or the Commands action) AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as " +
        "SECRETS_MANAGER environment variables (see the README)",
    );
  }
  if (job.cache.type !== "NO_CACHE" && loaded.buildspec.cache) {
    const found = await restoreCache(state);
    log.container(found ? "Restored the project's cache" : "No cache to restore");
  }
  if (loaded.buildspec.env.gitCredentialHelper) {
    const cloneUrls = [job.source, ...job.secondarySources]
      .filter((source) => source.type === "CODECOMMIT" && source.location !== undefined)
      .map((source) => source.location!);
    await configureGitCredentialHelper(state.env, cloneUrls, state.workspace!, log);
  }
  const user = await startingUser(state, loaded.buildspec);
  state.session = await startShellSession({
    sandbox: state.sandbox!,
    users: state.users!,
    cwd: dirs.inside.src,
    env: state.env,
    mounts: buildMounts(dirs),
    tmpDir: dirs.host.tmp,
    hiddenPaths: state.options.hiddenPaths,
    network: job.network,
    buildspecVersion: loaded.buildspec.version,
    // Buildspec reference, env/shell: "For Linux operating systems, supported shell tags are: bash,
    // /bin/sh". Without it, Pipewright uses bash (it runs POSIX sh commands too).
    shell: loaded.buildspec.env.shell === "/bin/sh" ? "sh" : "bash",
    user,
    controlDir: dirs.host.control,
    controlTarget: dirs.inside.control,
    // Output of daemons between commands still belongs in the log.
    onIdleOutput: (line) => log.line(line),
  });
  return undefined;
}

/**
 * Fetches one source through the RunnerApi and puts it in place: a zip is unpacked inside the
 * build's sandbox, a directory the api filled is given to the build's users.
 */
async function fetchSource(
  state: BuildState,
  source: BuildSource,
  hostDir: string,
  insideDir: string,
): Promise<FetchedSource> {
  const zipFile = join(state.dirs!.staging, "source.zip");
  let fetched: FetchedSource;
  try {
    fetched = await state.api.fetchSource(state.job, source, { dir: hostDir, zipFile });
  } catch (err) {
    if (err instanceof RunnerApiError) throw err;
    throw cannotDownload(source, (err as Error).message, err);
  }
  try {
    if (fetched.kind === "directory") await state.users!.adopt(hostDir);
    if (fetched.kind === "zip") await state.workspace!.extract(await zipToTar(zipFile), insideDir);
  } catch (err) {
    if (!(err instanceof WorkspaceError || err instanceof UnsafeEntryNameError)) throw err;
    throw cannotDownload(source, err.message, err);
  } finally {
    await rm(zipFile, { force: true });
  }
  return fetched;
}

/** AWS reports a source that cannot be downloaded as CLIENT_ERROR in DOWNLOAD_SOURCE. */
function cannotDownload(source: BuildSource, reason: string, cause: unknown): BuildStepError {
  const which = source.sourceIdentifier ? ` ${source.sourceIdentifier}` : "";
  return new BuildStepError(
    "FAILED",
    { statusCode: CONTEXT.client, message: `cannot download source${which}: ${reason}` },
    { cause },
  );
}
