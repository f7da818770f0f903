/**
 * The Install command, as AWS's agent's installer does it: first undo the previous revision of the
 * deployment group (remove the files it installed and the directories it made, from the cleanup
 * record), then copy each `files` entry from the deployment archive to its destination under the
 * agent's root, honouring file_exists_behavior, then apply `permissions` to what was installed, and
 * record what was installed for the next deployment's cleanup.
 */
import {
  stat as fsStat,
  chmod,
  chown,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  rmdir,
  symlink,
  writeFile,
} from "node:fs/promises";
import { basename, join, posix } from "node:path";
import type { AppSpec, AppSpecPermission, FileExistsBehavior } from "../formats/index.js";
import { CommandFailure } from "./errors.js";
import type { RootPath } from "./root-path.js";
import { lookupGroup, lookupUser } from "./users.js";

/** What Install needs. */
export interface InstallInput {
  spec: AppSpec;
  /** The unpacked revision. */
  archiveDir: string;
  /** Maps the appspec's destinations to host paths. */
  root: RootPath;
  /** Where the cleanup record of each deployment group is kept. */
  instructionsDir: string;
  deploymentGroupId: string;
  /** The deployment's file-exists behaviour (AgentActionOverrides); the appspec's wins, as on AWS. */
  overrideBehavior?: FileExistsBehavior;
}

/** One installed thing, in the order it was made (instance paths). */
type Installed = { file: string } | { dir: string };

/** Runs Install; returns the instance paths of the files it copied. */
export async function install(input: InstallInput): Promise<string[]> {
  const cleanupFile = join(input.instructionsDir, `${input.deploymentGroupId}-cleanup`);
  await mkdir(input.instructionsDir, { recursive: true });
  await removePrevious(input.root, cleanupFile);
  const behavior = input.spec.fileExistsBehavior ?? input.overrideBehavior ?? "DISALLOW";
  const made: Installed[] = [];
  try {
    for (const [index, entry] of input.spec.files.entries()) {
      const where = `files[${index}] (source ${entry.source || "/"}, destination ${entry.destination})`;
      const source = join(input.archiveDir, entry.source);
      const stat = await lstat(source).catch(() => undefined);
      if (stat === undefined) {
        throw new CommandFailure(
          "UnknownError",
          `${where}: the source ${entry.source} is not in the revision`,
        );
      }
      const copier = new Copier(input.root, behavior, made, where);
      if (stat.isDirectory()) {
        await copier.makeAncestors(posix.join(entry.destination, "x"));
        await copier.copyDirectory(source, entry.destination);
      } else {
        const destination = posix.join(entry.destination, basename(source));
        await copier.makeAncestors(destination);
        await copier.copyOne(source, destination);
      }
    }
    for (const [index, permission] of input.spec.permissions.entries()) {
      await applyPermission(
        input.root,
        permission,
        made,
        `permissions[${index}] (object ${permission.object})`,
      );
    }
  } finally {
    // Recorded even when Install fails half way, so the next deployment removes what this one left.
    await writeFile(cleanupFile, made.map((m) => JSON.stringify(m)).join("\n") + "\n");
  }
  return made.flatMap((m) => ("file" in m ? [m.file] : []));
}

/** Removes what the previous Install of the group recorded: files first, then its directories if empty. */
async function removePrevious(root: RootPath, cleanupFile: string): Promise<void> {
  const text = await readFile(cleanupFile, "utf8").catch(() => undefined);
  if (text === undefined) return;
  const records = text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Installed);
  for (const record of records.reverse()) {
    if ("file" in record) await rm(root.host(record.file), { force: true });
    else await rmdir(root.host(record.dir)).catch(() => undefined);
  }
  await rm(cleanupFile, { force: true });
}

class Copier {
  constructor(
    private readonly root: RootPath,
    private readonly behavior: FileExistsBehavior,
    private readonly made: Installed[],
    private readonly where: string,
  ) {}

  /** Makes the missing parent directories of instance path `path`, recording each. */
  async makeAncestors(path: string): Promise<void> {
    const missing: string[] = [];
    for (let dir = posix.dirname(path); dir !== "/"; dir = posix.dirname(dir)) {
      const host = await this.checked(dir);
      if (await lstat(host).catch(() => undefined)) break;
      missing.unshift(dir);
    }
    for (const dir of missing) await this.makeDir(dir);
  }

  async copyDirectory(source: string, destination: string): Promise<void> {
    const host = await this.checked(destination);
    // Followed: checked() has made sure a link here leads to a directory inside the root.
    const stat = await fsStat(host).catch(() => undefined);
    if (stat === undefined) await this.makeDir(destination);
    else if (!stat.isDirectory()) throw this.fail(`${destination} exists and is not a directory`);
    for (const entry of await readdir(source, { withFileTypes: true })) {
      const from = join(source, entry.name);
      const to = posix.join(destination, entry.name);
      if (entry.isDirectory()) await this.copyDirectory(from, to);
      else await this.copyOne(from, to);
    }
  }

  async copyOne(source: string, destination: string): Promise<void> {
    // Only the parent is resolved: a link at the file's own place is replaced (or kept), never written through.
    const host = join(await this.checked(posix.dirname(destination)), posix.basename(destination));
    const existing = await lstat(host).catch(() => undefined);
    if (existing !== undefined) {
      switch (this.behavior) {
        case "DISALLOW":
          throw this.fail(
            `the deployment failed because a specified file already exists at this location: ${destination} ` +
              `(set file_exists_behavior to OVERWRITE or RETAIN, or remove the file)`,
          );
        case "RETAIN":
          return;
        case "OVERWRITE":
          if (existing.isDirectory())
            throw this.fail(`${destination} is a directory; a file cannot replace it`);
          await rm(host, { force: true });
      }
    }
    const stat = await lstat(source);
    if (stat.isSymbolicLink()) await symlink(await readlink(source), host);
    else await copyFile(source, host);
    this.made.push({ file: destination });
  }

  private async makeDir(dir: string): Promise<void> {
    await mkdir(await this.checked(dir));
    this.made.push({ dir });
  }

  /** `path`'s host path, checked to stay inside the root. */
  private async checked(path: string): Promise<string> {
    try {
      return await this.root.checked(path);
    } catch (err) {
      throw this.fail((err as Error).message);
    }
  }

  private fail(message: string): CommandFailure {
    return new CommandFailure("UnknownError", `${this.where}: ${message}`);
  }
}

/** Applies one permissions entry to what this Install made under (or at) its object. */
async function applyPermission(
  root: RootPath,
  permission: AppSpecPermission,
  made: Installed[],
  where: string,
): Promise<void> {
  const uid = permission.owner === undefined ? -1 : (await lookupUser(permission.owner))?.uid;
  if (uid === undefined)
    throw new CommandFailure(
      "UnknownError",
      `${where}: owner ${permission.owner} is not a user on this instance`,
    );
  const gid = permission.group === undefined ? -1 : await lookupGroup(permission.group);
  if (gid === undefined)
    throw new CommandFailure(
      "UnknownError",
      `${where}: group ${permission.group} is not a group on this instance`,
    );
  const matches = made.filter((m) => {
    const path = "file" in m ? m.file : m.dir;
    const kind = "file" in m ? "file" : "directory";
    if (!permission.type.includes(kind)) return false;
    if (path === permission.object) return kind === "file";
    if (!path.startsWith(permission.object === "/" ? "/" : `${permission.object}/`)) return false;
    const name = posix.relative(permission.object, path);
    return globMatches(permission.pattern, name) && !permission.except.some((e) => globMatches(e, name));
  });
  for (const m of matches) {
    const host = root.host("file" in m ? m.file : m.dir);
    try {
      if ((await lstat(host)).isSymbolicLink()) continue;
      if (permission.mode !== undefined) await chmod(host, permission.mode);
      if (uid !== -1 || gid !== -1) await chown(host, uid, gid);
    } catch (err) {
      throw new CommandFailure(
        "UnknownError",
        `${where}: cannot set permissions of ${"file" in m ? m.file : m.dir}: ${(err as Error).message}`,
      );
    }
  }
}

/**
 * Whether glob `pattern` matches relative path `name`: `**` any path, `*` any characters but `/`,
 * `?` one character. A pattern without `/` is matched against the last segment only.
 */
export function globMatches(pattern: string, name: string): boolean {
  if (pattern === "**") return true;
  const subject = pattern.includes("/") ? name : posix.basename(name);
  let regex = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      regex += ".*";
      i++;
    } else if (c === "*") regex += "[^/]*";
    else if (c === "?") regex += "[^/]";
    else regex += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${regex}$`).test(subject);
}
