/**
 * Executes one host command of a deployment on this instance: DownloadBundle, Install, or a
 * lifecycle event's hook scripts. ApplicationStop, BeforeBlockTraffic and AfterBlockTraffic run
 * the scripts of the group's last successful revision (the one that is running now), as AWS's
 * agent does; the first deployment of a group has none, so they are noops.
 */
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
// The appspec's types only, not formats/index: the parser (yaml), the archive readers, the installer
// and the sandbox are loaded by the first command that needs them, so an idle agent stays small.
import { APPSPEC_HOOK_NAMES, type AppSpec, type AppSpecHookName } from "../formats/appspec/types.js";
import type { DeploymentSpec } from "./deployment-spec.js";
import { CommandFailure, LOG_TAIL_CHARS } from "./errors.js";
import type { RootPath } from "./root-path.js";
import { AgentState } from "./state.js";

/** What the executor needs from outside. */
export interface ExecutorOptions {
  /** The agent's root (instance `/`), where destinations and state live. */
  root: RootPath;
  /** Fetches an S3 revision's bundle into `file`. */
  fetchBundle(revision: { bucket: string; key: string; version?: string }, file: string): Promise<void>;
  /** Revisions kept per deployment group; default 5. */
  retainedRevisions?: number;
  /** Seconds between SIGTERM and SIGKILL of a hook's tree; default 5. */
  killGraceSeconds?: number;
}

/** Parsed appspecs kept: the current deployment's and the last successful one, with room to spare. */
const CACHED_APPSPECS = 4;

/** An appspec parsed from a file, and what the file was then. */
interface ParsedAppSpec {
  file: string;
  ino: number;
  size: number;
  mtimeMs: number;
  appSpec: AppSpec;
}

/** Hooks that run from the revision installed before this deployment. */
const FROM_LAST_SUCCESSFUL = new Set<string>(["ApplicationStop", "BeforeBlockTraffic", "AfterBlockTraffic"]);

/** Runs host commands; one instance serves every deployment of the agent. */
export class CommandExecutor {
  readonly state: AgentState;
  /**
   * Appspecs parsed, by deployment directory and the names looked for: every lifecycle event of a
   * deployment asks for its appspec twice (isNoop, then execute). An entry is used only while the
   * file is the one that was parsed (same inode, size and mtime); DownloadBundle drops its
   * directory's entry before it writes the directory again.
   */
  private readonly appSpecs = new Map<string, ParsedAppSpec>();

  constructor(private readonly options: ExecutorOptions) {
    this.state = new AgentState(options.root.root);
  }

  /** True when the command has nothing to do here (no scripts for its event), as acknowledged to the server. */
  async isNoop(commandName: string, spec: DeploymentSpec): Promise<boolean> {
    if (commandName === "DownloadBundle" || commandName === "Install") return false;
    const hook = hookName(commandName);
    if (hook === undefined) return true;
    const dir = await this.hookDeploymentDir(hook, spec);
    if (dir === undefined) return true;
    return ((await this.appSpecIn(dir, spec)).hooks[hook] ?? []).length === 0;
  }

  /**
   * Executes `commandName` for `spec`; returns the tail of its scripts' output.
   * @throws CommandFailure with the script error code and output tail to report.
   */
  async execute(commandName: string, spec: DeploymentSpec, signal?: AbortSignal): Promise<string> {
    const dir = this.state.deploymentDir(spec.DeploymentGroupId, spec.DeploymentId);
    if (commandName === "DownloadBundle") {
      await this.downloadBundle(dir, spec);
      return "";
    }
    if (commandName === "Install") {
      const appSpec = await this.appSpecIn(dir, spec);
      const { install } = await import("./install.js");
      await install({
        spec: appSpec,
        archiveDir: AgentState.archiveOf(dir),
        root: this.options.root,
        instructionsDir: this.state.instructionsDir,
        deploymentGroupId: spec.DeploymentGroupId,
        ...(spec.AgentActionOverrides?.AgentOverrides?.FileExistsBehavior
          ? { overrideBehavior: spec.AgentActionOverrides.AgentOverrides.FileExistsBehavior }
          : {}),
      });
      await this.state.setLastSuccessful(spec.DeploymentGroupId, dir);
      return "";
    }
    const hook = hookName(commandName);
    if (hook === undefined) throw new CommandFailure("UnknownError", `unsupported command ${commandName}`);
    const hookDir = await this.hookDeploymentDir(hook, spec);
    if (hookDir === undefined) return "";
    const appSpec = await this.appSpecIn(hookDir, spec);
    const hooks = appSpec.hooks[hook] ?? [];
    if (hooks.length === 0) return "";
    const { runHookScript } = await import("./hooks.js");
    let output = "";
    for (const script of hooks) {
      output += await runHookScript({
        script,
        lifecycleEvent: hook,
        archiveDir: AgentState.archiveOf(hookDir),
        env: this.environment(spec),
        logFile: join(dir, "logs", "scripts.log"),
        ...(signal ? { signal } : {}),
        ...(this.options.killGraceSeconds !== undefined
          ? { killGraceSeconds: this.options.killGraceSeconds }
          : {}),
      });
    }
    return output.slice(-LOG_TAIL_CHARS);
  }

  private async downloadBundle(dir: string, spec: DeploymentSpec): Promise<void> {
    await this.state.removeOldRevisions(spec.DeploymentGroupId, this.options.retainedRevisions ?? 5);
    const archive = AgentState.archiveOf(dir);
    this.forgetAppSpecs(dir);
    await rm(archive, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const revision = spec.Revision;
    if (revision.RevisionType === "S3") {
      const s3 = revision.S3Revision;
      const bundle = join(dir, "bundle");
      await rm(bundle, { force: true });
      try {
        await this.options.fetchBundle(
          { bucket: s3.Bucket, key: s3.Key, ...(s3.Version ? { version: s3.Version } : {}) },
          bundle,
        );
      } catch (err) {
        throw new CommandFailure(
          "UnknownError",
          `the revision s3://${s3.Bucket}/${s3.Key} cannot be downloaded: ${(err as Error).message}`,
          "",
          "",
          { cause: err },
        );
      }
      const { unpackBundle } = await import("./bundle.js");
      await unpackBundle(bundle, s3.BundleType, archive);
      await rm(bundle, { force: true });
    } else {
      await mkdir(archive, { recursive: true });
      await writeFile(join(archive, spec.AppSpecFilename ?? "appspec.yml"), revision.AppSpecContent.Content);
    }
    // Checked now, so a bad appspec fails DownloadBundle with its line numbers rather than a later hook.
    await this.appSpecIn(dir, spec);
    await this.state.setMostRecent(spec.DeploymentGroupId, dir);
  }

  /** The deployment directory whose revision a hook's scripts come from, or undefined when there is none. */
  private async hookDeploymentDir(hook: AppSpecHookName, spec: DeploymentSpec): Promise<string | undefined> {
    const current = this.state.deploymentDir(spec.DeploymentGroupId, spec.DeploymentId);
    if (!FROM_LAST_SUCCESSFUL.has(hook)) return current;
    const last = await this.state.lastSuccessful(spec.DeploymentGroupId);
    // A deployment that already installed (a retried command) would find itself here; that is right.
    return last;
  }

  /** The parsed appspec of the revision in deployment directory `dir`. */
  private async appSpecIn(dir: string, spec: DeploymentSpec): Promise<AppSpec> {
    const archive = AgentState.archiveOf(dir);
    const names = spec.AppSpecFilename ? [spec.AppSpecFilename] : ["appspec.yml", "appspec.yaml"];
    const cacheKey = `${dir}\0${names.join("\0")}`;
    const cached = this.appSpecs.get(cacheKey);
    if (cached !== undefined) {
      const now = await stat(cached.file).catch(() => undefined);
      if (now && now.ino === cached.ino && now.size === cached.size && now.mtimeMs === cached.mtimeMs) {
        return cached.appSpec;
      }
      this.appSpecs.delete(cacheKey);
    }
    const { AppSpecError, parseAppSpec } = await import("../formats/appspec/parse.js");
    for (const name of names) {
      const file = join(archive, name);
      const before = await stat(file).catch(() => undefined);
      const text = await readFile(file, "utf8").catch(() => undefined);
      if (text === undefined) continue;
      let appSpec: AppSpec;
      try {
        appSpec = parseAppSpec(text, name);
      } catch (err) {
        if (err instanceof AppSpecError)
          throw new CommandFailure(
            "UnknownError",
            `the revision's appspec is invalid:\n${err.message}`,
            "",
            "",
            { cause: err },
          );
        throw err;
      }
      if (before !== undefined) {
        const { ino, size, mtimeMs } = before;
        this.appSpecs.set(cacheKey, { file, ino, size, mtimeMs, appSpec });
        while (this.appSpecs.size > CACHED_APPSPECS) this.appSpecs.delete(this.appSpecs.keys().next().value!);
      }
      return appSpec;
    }
    throw new CommandFailure("UnknownError", `the revision has no ${names.join(" or ")} at its root`);
  }

  /** Drops the parsed appspecs of deployment directory `dir`. */
  private forgetAppSpecs(dir: string): void {
    for (const key of this.appSpecs.keys()) {
      if (key.startsWith(`${dir}\0`)) this.appSpecs.delete(key);
    }
  }

  private environment(spec: DeploymentSpec): Record<string, string> {
    const env: Record<string, string> = {
      APPLICATION_NAME: spec.ApplicationName,
      DEPLOYMENT_ID: spec.DeploymentId,
      DEPLOYMENT_GROUP_NAME: spec.DeploymentGroupName,
      DEPLOYMENT_GROUP_ID: spec.DeploymentGroupId,
      PIPEWRIGHT_AGENT_ROOT: this.options.root.root,
    };
    if (spec.Revision.RevisionType === "S3") {
      const s3 = spec.Revision.S3Revision;
      Object.assign(env, { BUNDLE_BUCKET: s3.Bucket, BUNDLE_KEY: s3.Key, BUNDLE_TYPE: s3.BundleType });
      if (s3.Version) env.BUNDLE_VERSION = s3.Version;
      if (s3.ETag) env.BUNDLE_ETAG = s3.ETag;
    }
    return env;
  }
}

function hookName(commandName: string): AppSpecHookName | undefined {
  return APPSPEC_HOOK_NAMES.find((h) => h === commandName);
}
