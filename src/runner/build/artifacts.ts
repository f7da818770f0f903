/**
 * UPLOAD_ARTIFACTS: the buildspec's `artifacts` (and `secondary-artifacts` by identifier) collected
 * inside the build's sandbox (see runner/workspace), packed into a zip on the host's side of the
 * boundary and handed to `RunnerApi.uploadArtifact` (which stores the zip, or with packaging NONE
 * its entries one by one).
 */
import { posix } from "node:path";
import { forEachTarEntry, UnsafeEntryNameError, ZipWriter } from "../../platform/archive/index.js";
import type { BuildspecArtifactSet } from "../../formats/buildspec/index.js";
import type { ArtifactsTarget, BuildOutcome } from "../api.js";
import { selectFiles, WorkspaceError, type Workspace } from "../workspace/index.js";
import type { BuildState } from "./build-state.js";
import { BuildStepError, CONTEXT, RunnerApiError } from "./errors.js";
import { insideBuild } from "./inside-build.js";

type ArtifactResult = BuildOutcome["secondaryArtifacts"][number];

/**
 * Uploads the primary and secondary artifacts; returns what the outcome reports. `excludeDirs`:
 * host directories never packaged (a local build's own output directory).
 */
export async function uploadArtifacts(
  state: BuildState,
  excludeDirs: string[],
): Promise<Pick<BuildOutcome, "artifacts" | "secondaryArtifacts">> {
  const { job, log } = state;
  const result: Pick<BuildOutcome, "artifacts" | "secondaryArtifacts"> = { secondaryArtifacts: [] };
  const spec = state.buildspec!.artifacts;
  if (job.artifacts.type !== "NO_ARTIFACTS" && spec) {
    result.artifacts = await uploadOne(state, job.artifacts, spec, "primary", excludeDirs);
  } else if (job.artifacts.type !== "NO_ARTIFACTS") {
    log.container("Skipping artifact upload: the buildspec has no artifacts section");
  }
  for (const target of job.secondaryArtifacts) {
    const id = target.artifactIdentifier ?? "";
    const set = spec?.secondaryArtifacts.find((s) => s.identifier === id);
    if (target.type === "NO_ARTIFACTS") continue;
    if (!set) {
      throw new BuildStepError("FAILED", {
        statusCode: CONTEXT.client,
        message: `secondary artifact ${id} is not defined in the buildspec's artifacts.secondary-artifacts`,
      });
    }
    result.secondaryArtifacts.push({
      ...(await uploadOne(state, target, set, id, excludeDirs)),
      artifactIdentifier: id,
    });
  }
  return result;
}

async function uploadOne(
  state: BuildState,
  target: ArtifactsTarget,
  set: BuildspecArtifactSet,
  label: string,
  excludeDirs: string[],
): Promise<ArtifactResult> {
  const workspace = state.workspace!;
  const dirs = workspace.dirs;
  const base = insideBuild(dirs, set.baseDirectory ?? ".", "artifacts.base-directory");
  const exclude = [...set.excludePaths, ...excludedUnder(base, excludeDirs, dirs)];
  // enable-symlinks: links are kept as links; otherwise they are followed, as AWS zips them.
  const links = set.enableSymlinks;
  const listing = await listOrFail(workspace, base, !links);
  const files = selectFiles(listing, set.files, { exclude, links });
  // AWS fails UPLOAD_ARTIFACTS with CLIENT_ERROR when the globs match nothing.
  if (files.length === 0) {
    throw new BuildStepError("FAILED", {
      statusCode: CONTEXT.client,
      message: "no matching artifact paths found",
    });
  }
  const name = (target.overrideArtifactName && set.name) || target.name || label;
  const withPrefix = { ...target, name, ...(set.s3Prefix !== undefined && { path: set.s3Prefix }) };
  const zipFile = posix.join(dirs.staging, `${label}-${posix.basename(name) || "artifact"}.zip`);
  const zip = await ZipWriter.create(zipFile);
  try {
    await packInto(state, zip, { base, files, links, discardPaths: set.discardPaths });
  } finally {
    await zip.close().catch(() => undefined);
  }
  try {
    return await state.api.uploadArtifact(state.job, withPrefix, zipFile);
  } catch (err) {
    throw new RunnerApiError("uploadArtifact", err);
  }
}

/**
 * Packs `files` of `base` inside the sandbox and adds them to `zip` on the host, each name after
 * `prefix` (or its last part alone, with `discardPaths`).
 */
export async function packInto(
  state: BuildState,
  zip: ZipWriter,
  options: { base: string; files: string[]; links: boolean; discardPaths?: boolean; prefix?: string },
): Promise<void> {
  const { tar, done } = await state.workspace!.pack(options.base, options.files, !options.links);
  try {
    await forEachTarEntry(tar, async (entry) => {
      const name = (options.prefix ?? "") + (options.discardPaths ? posix.basename(entry.name) : entry.name);
      if (entry.type === "file") {
        await zip.addStream(name, entry.stream, {
          mode: entry.mode,
          size: entry.size,
          ...(entry.mtime && { mtime: entry.mtime }),
        });
      } else if (entry.type === "symlink" && entry.linkname !== undefined) {
        zip.addSymlink(name, entry.linkname, entry.mtime);
      }
    });
  } catch (err) {
    await done.catch(() => undefined);
    const reason = err instanceof UnsafeEntryNameError ? err.message : (err as Error).message;
    throw new BuildStepError(
      "FAILED",
      { statusCode: CONTEXT.client, message: `cannot package ${options.base}: ${reason}` },
      { cause: err },
    );
  }
  const result = await done;
  // tar exits 1 for a file that changed or vanished while it read it (a warning), 2 for failures.
  for (const line of result.stderr.trim().split("\n").filter(Boolean).slice(-20)) {
    state.log.container(`Warning: ${line.replace(/^tar: /, "")}`);
  }
  if (result.code !== 0 && result.code !== 1) {
    const last = result.stderr.trim().split("\n").at(-1) || `tar exited ${result.code ?? result.signal}`;
    throw new BuildStepError("FAILED", {
      statusCode: CONTEXT.client,
      message: `cannot package ${options.base}: ${last}`,
    });
  }
}

/** The listing of `base`, or CLIENT_ERROR saying it cannot be read. */
export async function listOrFail(workspace: Workspace, base: string, follow: boolean) {
  try {
    return await workspace.list(base, follow);
  } catch (err) {
    if (!(err instanceof WorkspaceError)) throw err;
    throw new BuildStepError(
      "FAILED",
      { statusCode: CONTEXT.client, message: `${base}: ${err.message.replace(/^find: /, "")}` },
      { cause: err },
    );
  }
}

/** Globs, relative to `base` (inside), for the host directories `excludeDirs` that lie under it. */
function excludedUnder(base: string, excludeDirs: string[], dirs: Workspace["dirs"]): string[] {
  const globs: string[] = [];
  for (const dir of excludeDirs) {
    if (!(dir + "/").startsWith(dirs.host.src + "/")) continue;
    const inside = dirs.inside.src + dir.slice(dirs.host.src.length);
    if (inside !== base && (inside + "/").startsWith(base + "/"))
      globs.push(`${inside.slice(base.length + 1)}/**`);
  }
  return globs;
}
