/**
 * UPLOAD_ARTIFACTS: the buildspec's `artifacts` (and `secondary-artifacts` by identifier) packaged
 * as the project asks (ZIP → one zip file, NONE → a directory) and handed to `RunnerApi.uploadArtifact`.
 */
import { createWriteStream } from "node:fs";
import { copyFile, lstat, mkdir, readlink, symlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import type { BuildspecArtifactSet, Buildspec } from "../../formats/buildspec/index.js";
import type { ArtifactsTarget, BuildJob, BuildOutcome, RunnerApi } from "../api.js";
import { collectFiles } from "./collect-files.js";
import { BuildStepError, CONTEXT, RunnerApiError } from "./errors.js";

type ArtifactResult = BuildOutcome["secondaryArtifacts"][number];

/** Where artifacts are collected from and staged. */
export interface ArtifactDirs {
  srcDir: string;
  /** Scratch directory for zip files and directory copies. */
  stagingDir: string;
  /** Absolute directories never packaged (e.g. the local artifacts directory inside the source). */
  excludeDirs: string[];
}

/** Uploads the primary and secondary artifacts; returns what the outcome reports. */
export async function uploadArtifacts(
  job: BuildJob,
  buildspec: Buildspec,
  api: RunnerApi,
  dirs: ArtifactDirs,
  log: (line: string) => void,
): Promise<Pick<BuildOutcome, "artifacts" | "secondaryArtifacts">> {
  const result: Pick<BuildOutcome, "artifacts" | "secondaryArtifacts"> = { secondaryArtifacts: [] };
  const spec = buildspec.artifacts;
  if (job.artifacts.type !== "NO_ARTIFACTS" && spec) {
    result.artifacts = await uploadOne(job, job.artifacts, spec, api, dirs, "primary");
  } else if (job.artifacts.type !== "NO_ARTIFACTS") {
    log("[Container] Skipping artifact upload: the buildspec has no artifacts section");
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
      ...(await uploadOne(job, target, set, api, dirs, id)),
      artifactIdentifier: id,
    });
  }
  return result;
}

async function uploadOne(
  job: BuildJob,
  target: ArtifactsTarget,
  set: BuildspecArtifactSet,
  api: RunnerApi,
  dirs: ArtifactDirs,
  label: string,
): Promise<ArtifactResult> {
  const base = resolve(dirs.srcDir, set.baseDirectory ?? ".");
  const exclude = [...set.excludePaths, ...excludedUnder(base, dirs.excludeDirs)];
  const files = await collectFiles(base, set.files, { exclude, followSymlinks: set.enableSymlinks });
  // AWS fails UPLOAD_ARTIFACTS with CLIENT_ERROR when the globs match nothing.
  if (files.length === 0) {
    throw new BuildStepError("FAILED", {
      statusCode: CONTEXT.client,
      message: `no matching artifact paths found`,
    });
  }
  const entries = files.map((file) => ({
    from: join(base, file),
    to: set.discardPaths ? basename(file) : file,
  }));
  const name = (target.overrideArtifactName && set.name) || target.name || label;
  const withPrefix = { ...target, name, ...(set.s3Prefix !== undefined && { path: set.s3Prefix }) };
  const stage = join(dirs.stagingDir, label);
  await mkdir(stage, { recursive: true });
  let content: { zipFile: string } | { directory: string };
  if (target.packaging === "ZIP") {
    const zipFile = join(stage, `${basename(name)}.zip`);
    await writeZip(entries, zipFile, set.enableSymlinks);
    content = { zipFile };
  } else {
    const directory = join(stage, "files");
    for (const entry of entries) await copyEntry(entry.from, join(directory, entry.to), set.enableSymlinks);
    content = { directory };
  }
  try {
    return await api.uploadArtifact(job, withPrefix, content);
  } catch (err) {
    throw new RunnerApiError("uploadArtifact", err);
  }
}

/** Globs for `excludeDirs` that lie under `base`, relative to it. */
function excludedUnder(base: string, excludeDirs: string[]): string[] {
  return excludeDirs
    .filter((dir) => isAbsolute(dir) && (dir + "/").startsWith(base + "/"))
    .map((dir) => `${dir.slice(base.length + 1)}/**`)
    .filter((glob) => glob !== "/**");
}

async function writeZip(entries: Array<{ from: string; to: string }>, zipFile: string, symlinks: boolean) {
  // Loaded on first use, to keep `pipewright build` quick to start.
  const { default: yazl } = await import("yazl");
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    const stat = await lstat(entry.from);
    if (stat.isSymbolicLink() && symlinks) {
      // A symlink entry: mode S_IFLNK with the target as content, as `zip --symlinks` writes it.
      zip.addBuffer(Buffer.from(await readlink(entry.from)), entry.to, { mode: 0o120777 });
    } else {
      zip.addFile(entry.from, entry.to, { mode: stat.mode });
    }
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipFile));
}

async function copyEntry(from: string, to: string, symlinks: boolean): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const stat = await lstat(from);
  if (stat.isSymbolicLink() && symlinks) await symlink(await readlink(from), to);
  else await copyFile(from, to);
}
