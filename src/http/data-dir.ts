/**
 * The data directory's permissions. Builds run as unprivileged host users (see platform/sandbox),
 * which must pass through the data directory to reach their own directories under `builds/`: so
 * the data directory is 0711 (enter, but not list), `builds/` likewise, and everything else in it
 * — the database and its journal, the master key, the credentials, the SSH host key, blobs,
 * repositories, caches — is made private to the server's user (0600 files, 0700 directories).
 */
import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

/** The directory under the data directory where builds run. */
export const BUILDS_DIR = "builds";

/** Creates `dataDir` if needed and sets the modes above; call again after creating files in it. */
export function secureDataDir(dataDir: string): void {
  mkdirSync(path.join(dataDir, BUILDS_DIR), { recursive: true, mode: 0o711 });
  chmodSync(dataDir, 0o711);
  for (const name of readdirSync(dataDir)) {
    const entry = path.join(dataDir, name);
    const stat = lstatSync(entry);
    if (stat.isSymbolicLink()) continue;
    if (name === BUILDS_DIR) chmodSync(entry, 0o711);
    else chmodSync(entry, stat.isDirectory() ? 0o700 : 0o600);
  }
}

/** Where a root server keeps builds when the data directory's parents are closed to other users. */
export const SYSTEM_BUILDS_ROOT = "/var/lib/pipewright";

/**
 * The directory builds run under. Builds of a root server run as other host ids, and bubblewrap
 * mounts their directories as those ids: every parent must let other users pass (mode o+x). The
 * data directory's `builds/` does when its parents do; a data directory under a closed one (the
 * default `./.pipewright` of a checkout in root's 0700 home) would fail every build, so its builds
 * go to `/var/lib/pipewright/builds-<hash of the data directory>` instead — one per data directory,
 * made by root, passable but not listable. A server of another user runs builds as itself.
 * @throws Error when that directory exists but is not root's own directory (someone made it first).
 */
export function buildsRoot(dataDir: string): string {
  const inData = path.join(dataDir, BUILDS_DIR);
  if (process.getuid?.() !== 0 || closedParent(inData) === undefined) return inData;
  const hash = createHash("sha256").update(realpathSync(dataDir)).digest("hex").slice(0, 16);
  const root = path.join(SYSTEM_BUILDS_ROOT, `builds-${hash}`);
  for (const dir of [SYSTEM_BUILDS_ROOT, root]) {
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== 0) {
      throw new Error(`${dir} must be a directory owned by root; move it away and start again`);
    }
    chmodSync(dir, 0o711);
  }
  return root;
}

/** The first parent of `dir` that other users cannot pass through, or undefined. */
function closedParent(dir: string): string | undefined {
  for (let parent = path.dirname(realpathSync(path.dirname(dir))); ; parent = path.dirname(parent)) {
    if ((statSync(parent).mode & 0o001) === 0) return parent;
    if (parent === "/") return undefined;
  }
}
