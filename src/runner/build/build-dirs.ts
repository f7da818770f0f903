/** The per-build directory tree under the runner's work root. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { BuildJob } from "../api.js";

/** Directories of one build. Everything but a LOCAL source lives under `root`. */
export interface BuildDirs {
  /** `<workRoot>/<build uuid>`; removed when the build ends unless kept. */
  root: string;
  /** CODEBUILD_SRC_DIR: `<root>/src`, or the directory itself for a LOCAL source (built in place). */
  src: string;
  /** Secondary source identifier → `<root>/src2/<id>`. */
  secondary: Record<string, string>;
  /** HOME inside the build: writable, private to it. */
  home: string;
  /** ShellSession protocol files. */
  control: string;
  /** Zip files and directory copies of artifacts. */
  staging: string;
  /** Cache restored and saved through the RunnerApi. */
  cache: string;
}

/** Creates the directories of `job` under `workRoot`. */
export async function createBuildDirs(job: BuildJob, workRoot: string): Promise<BuildDirs> {
  const uuid = job.buildId.slice(job.buildId.lastIndexOf(":") + 1) || "build";
  const root = join(workRoot, uuid);
  // A LOCAL source is the user's directory, built in place as AWS's local agent mounts it.
  const src = job.source.type === "LOCAL" && job.source.location ? job.source.location : join(root, "src");
  const secondary: Record<string, string> = {};
  for (const source of job.secondarySources) {
    const id = source.sourceIdentifier ?? `source${Object.keys(secondary).length + 1}`;
    secondary[id] = join(root, "src2", id);
  }
  const dirs: BuildDirs = {
    root,
    src,
    secondary,
    home: join(root, "home"),
    control: join(root, "control"),
    staging: join(root, "artifacts"),
    cache: join(root, "cache"),
  };
  for (const dir of [root, src, ...Object.values(secondary), dirs.home, dirs.staging]) {
    await mkdir(dir, { recursive: true });
  }
  return dirs;
}
