/**
 * A build's directories: where they are on the host, and where the build sees them. With a sandbox
 * that remaps paths (bubblewrap) the build sees AWS's layout — its source at
 * `/codebuild/output/src<n>/src`, its HOME at `/root`, a private `/tmp` — whatever directory the
 * server keeps them in; with the `process` sandbox it sees the host's paths.
 */
import { createHash } from "node:crypto";
import { chmod, chown, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { SandboxMount, SandboxUsers } from "../../platform/sandbox/index.js";
import type { BuildJob } from "../api.js";

/** The directories a build's commands use, on one side of the sandbox. */
export interface BuildPaths {
  /** CODEBUILD_SRC_DIR. */
  src: string;
  /** Secondary source identifier → its directory (CODEBUILD_SRC_DIR_<id>). */
  secondary: Record<string, string>;
  /** HOME. */
  home: string;
  /** /tmp. */
  tmp: string;
  /** The shell protocol's files. */
  control: string;
}

/** Directories of one build. */
export interface BuildDirs {
  /** `<workRoot>/<build uuid>`; removed when the build ends unless kept. */
  root: string;
  /** Where the directories are on the host (a LOCAL source: the directory itself, built in place). */
  host: BuildPaths;
  /** Where the build sees them. */
  inside: BuildPaths;
  /** Scratch space of the host's alone (zip files, caches): never mounted into the sandbox. */
  staging: string;
}

/**
 * Creates the directories of `job` under `workRoot` and gives the build's own to its sandbox root
 * (`users`). `remap`: whether the sandbox shows them at AWS's paths.
 */
export async function createBuildDirs(
  job: BuildJob,
  workRoot: string,
  options: { remap: boolean; users: SandboxUsers },
): Promise<BuildDirs> {
  const uuid = job.buildId.slice(job.buildId.lastIndexOf(":") + 1) || "build";
  const root = join(workRoot, uuid);
  const local = job.source.type === "LOCAL" && job.source.location !== undefined;
  const host: BuildPaths = {
    // A LOCAL source is the user's directory, built in place as AWS's local agent mounts it.
    src: local ? job.source.location! : join(root, "src"),
    secondary: {},
    home: join(root, "home"),
    tmp: join(root, "tmp"),
    control: join(root, "control"),
  };
  const base = `/codebuild/output/src${sourceNumber(uuid)}`;
  const inside: BuildPaths = options.remap
    ? { src: `${base}/src`, secondary: {}, home: "/root", tmp: "/tmp", control: "/codebuild/control" }
    : { ...host, secondary: {} };
  for (const source of job.secondarySources) {
    const id = source.sourceIdentifier ?? `source${Object.keys(host.secondary).length + 1}`;
    host.secondary[id] = join(root, "src2", id);
    inside.secondary[id] = options.remap ? `${base}/src2/${id}` : host.secondary[id];
  }
  const dirs: BuildDirs = { root, host, inside, staging: join(root, "staging") };
  await mkdir(workRoot, { recursive: true, mode: 0o711 });
  await chmod(workRoot, 0o711);
  // Only the server and the build's own host root (the bwrap that mounts them) pass through the
  // build's root: the directories inside can then be as open as a build expects (0755).
  await mkdir(root, { recursive: true });
  await gateway(root, options.users);
  await mkdir(dirs.staging, { mode: 0o700 });
  if (job.secondarySources.length > 0) {
    await mkdir(join(root, "src2"));
    await gateway(join(root, "src2"), options.users);
  }
  const own = [
    ...(local ? [] : [host.src]),
    ...Object.values(host.secondary),
    host.home,
    host.tmp,
    host.control,
  ];
  for (const dir of own) await mkdir(dir, { recursive: true, mode: 0o755 });
  // Any user the build switches to may use /tmp, as on every Linux machine.
  await chmod(host.tmp, 0o1777);
  for (const dir of own) await options.users.adopt(dir);
  return dirs;
}

/**
 * With mapped users: mode 0710, group the build's host root group, so that the build's bwrap may
 * pass and no other user may. Otherwise the build runs as the server's user: 0700.
 */
async function gateway(dir: string, users: SandboxUsers): Promise<void> {
  if (!users.mapped) {
    await chmod(dir, 0o700);
    return;
  }
  await chown(dir, process.getuid?.() ?? 0, users.hostGid(0));
  await chmod(dir, 0o710);
}

/** The mounts that show the build its directories (all writable). */
export function buildMounts(dirs: BuildDirs): SandboxMount[] {
  const mounts: SandboxMount[] = [
    { source: dirs.host.src, target: dirs.inside.src, writable: true },
    { source: dirs.host.home, target: dirs.inside.home, writable: true },
  ];
  for (const [id, dir] of Object.entries(dirs.host.secondary)) {
    mounts.push({ source: dir, target: dirs.inside.secondary[id]!, writable: true });
  }
  return mounts;
}

/** A stable nine-digit number per build, like the one in AWS's `/codebuild/output/src123456789`. */
function sourceNumber(uuid: string): string {
  return String(createHash("sha256").update(uuid).digest().readUInt32BE(0) % 1e9).padStart(9, "0");
}
