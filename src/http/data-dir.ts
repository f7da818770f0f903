/**
 * The data directory's permissions. Builds run as unprivileged host users (see platform/sandbox),
 * which must pass through the data directory to reach their own directories under `builds/`: so
 * the data directory is 0711 (enter, but not list), `builds/` likewise, and everything else in it
 * — the database and its journal, the master key, the credentials, the SSH host key, blobs,
 * repositories, caches — is made private to the server's user (0600 files, 0700 directories).
 */
import { createHash } from "node:crypto";
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { ConfigError } from "../core/index.js";

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

/** The file that says which server holds a data directory. */
const LOCK_FILE = "server.pid";

/**
 * Takes the data directory for this process: one server per data directory, as two would run two
 * build runners over one database and one set of repositories. The lock is a file holding the
 * holder's pid, made with O_EXCL; one whose process is gone (a crash, kill -9) is taken over.
 * @returns a function that releases it (on shutdown).
 * @throws ConfigError naming the other server's pid when it is alive.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        // Only our own lock: a server that took over a lock we thought stale keeps its own.
        if (readPid(file) === process.pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
    }
    const holder = readPid(file);
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
      throw new ConfigError(
        `data directory ${dataDir} is in use by another Pipewright server (pid ${holder}); stop it, ` +
          `or give this one another directory with --data-dir or PIPEWRIGHT_DATA_DIR`,
      );
    }
    // Left by a process that is gone: take it over.
    rmSync(file, { force: true });
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds the URL this server listens on to its lock file (second line), so `pipewright configure`
 * can point the AWS CLI at the server that holds a data directory without being told its port.
 * Written beside and renamed over, so a reader never sees half of it.
 */
export function recordServerUrl(dataDir: string, url: string): void {
  const file = path.join(dataDir, LOCK_FILE);
  if (readPid(file) !== process.pid) return;
  const next = `${file}.${process.pid}`;
  writeFileSync(next, `${process.pid}\n${url}\n`, { mode: 0o600 });
  renameSync(next, file);
}

/** The URL of the live server that holds `dataDir`, if one does and recorded it. */
export function runningServerUrl(dataDir: string): string | undefined {
  const file = path.join(dataDir, LOCK_FILE);
  const pid = readPid(file);
  if (pid === undefined || !isAlive(pid)) return undefined;
  try {
    const url = readFileSync(file, "utf8").split("\n")[1]?.trim();
    return url && /^https?:\/\/[^\s]+$/.test(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed server can linger as a zombie until its parent reaps it: that is not a holder.
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/**
 * Creates the data directory, or says in one line why it cannot be used.
 * @throws ConfigError naming the directory and the setting that chooses it.
 */
export function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new ConfigError(
      `data directory ${dataDir} cannot be used (${code}: ${(err as Error).message.replace(/^[A-Z]+: /, "")}); ` +
        `choose another with --data-dir or PIPEWRIGHT_DATA_DIR`,
    );
  }
}
