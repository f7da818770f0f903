/**
 * An appspec.yml for EC2/on-premises deployments, as the CodeDeploy AppSpec reference documents it:
 * which files of the revision go where, what permissions they get, and which scripts run at each
 * lifecycle event.
 */

/** The lifecycle events an EC2/on-premises appspec may hang scripts on, in the order they run. */
export const APPSPEC_HOOK_NAMES = [
  "ApplicationStop",
  "BeforeInstall",
  "AfterInstall",
  "ApplicationStart",
  "ValidateService",
  "BeforeBlockTraffic",
  "AfterBlockTraffic",
  "BeforeAllowTraffic",
  "AfterAllowTraffic",
] as const;
export type AppSpecHookName = (typeof APPSPEC_HOOK_NAMES)[number];

/** What Install does with a destination file that already exists (default DISALLOW). */
export const FILE_EXISTS_BEHAVIORS = ["DISALLOW", "OVERWRITE", "RETAIN"] as const;
export type FileExistsBehavior = (typeof FILE_EXISTS_BEHAVIORS)[number];

/** The longest (and default) time one hook script may run, in seconds. */
export const MAX_HOOK_TIMEOUT_SECONDS = 3600;

/** One `files` entry. */
export interface AppSpecFile {
  /**
   * Path inside the revision, relative to its root, `/` separators, no `..`; "" for the whole
   * revision (`source: /`). A leading `/` means the revision's root, as on AWS.
   */
  source: string;
  /** Absolute path on the instance (normalised, no `..`). */
  destination: string;
}

/** One `permissions` entry. */
export interface AppSpecPermission {
  /** Absolute path of the file or directory (normalised). */
  object: string;
  /** Glob of names under `object` it applies to; default `**` (everything). */
  pattern: string;
  /** Globs of names left alone; default none. */
  except: string[];
  owner: string | undefined;
  group: string | undefined;
  /** Permission bits (`644` in the file is 0o644), or undefined to leave them. */
  mode: number | undefined;
  /** What it applies to; default both. */
  type: Array<"file" | "directory">;
}

/** One script of a hook. */
export interface AppSpecHookScript {
  /** Path of the script relative to the revision's root (normalised, no `..`). */
  location: string;
  /** Seconds it may run; default and maximum {@link MAX_HOOK_TIMEOUT_SECONDS}. */
  timeoutSeconds: number;
  /** User it runs as; default the agent's user. */
  runas: string | undefined;
}

/** A parsed and checked appspec.yml. */
export interface AppSpec {
  version: "0.0";
  os: "linux";
  files: AppSpecFile[];
  /** From the file's top level; undefined when it does not say. */
  fileExistsBehavior: FileExistsBehavior | undefined;
  permissions: AppSpecPermission[];
  /** Scripts of each hook the file names, in file order. */
  hooks: Partial<Record<AppSpecHookName, AppSpecHookScript[]>>;
}
