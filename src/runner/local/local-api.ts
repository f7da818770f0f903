/**
 * A {@link RunnerApi} for `pipewright build`: no server. The source is a directory built in place,
 * the log goes to the terminal, artifacts to a directory, and Parameter Store / Secrets Manager are
 * unavailable (a clear error names the value and says to pass it with `--env`).
 */
import { cp, mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { extractZip } from "../../platform/archive/index.js";
import type { RunnerApi } from "../api.js";
import { formatLogLine } from "./terminal.js";

/** Options for {@link createLocalRunnerApi}. */
export interface LocalRunnerOptions {
  /** Directory the primary artifact is written to; secondary artifacts go to `<dir>/<identifier>`. */
  artifactsDir: string;
  /** Where the live log goes; default process.stdout. */
  write?: (text: string) => void;
}

/** The RunnerApi for a local build. */
export function createLocalRunnerApi(options: LocalRunnerOptions): RunnerApi {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  return {
    // The LOCAL source is the directory itself (the engine builds in place): nothing to fetch.
    async fetchSource() {
      return { kind: "none" };
    },
    async getParameter(name) {
      throw new Error(
        `Parameter Store parameter ${name} is not available in a local build (no server); give the variable with --env NAME=VALUE`,
      );
    },
    async getSecret(ref) {
      throw new Error(
        `Secrets Manager secret ${ref.secretId} is not available in a local build (no server); give the variable with --env NAME=VALUE`,
      );
    },
    async phasesChanged() {},
    async appendLogs(_job, lines) {
      let text = "";
      for (const line of lines) {
        const formatted = formatLogLine(line.message);
        if (formatted !== undefined) text += formatted + "\n";
      }
      if (text) write(text);
    },
    async uploadArtifact(_job, target, zipFile) {
      const dir = target.artifactIdentifier
        ? join(options.artifactsDir, target.artifactIdentifier)
        : options.artifactsDir;
      await mkdir(dir, { recursive: true });
      if (target.packaging === "ZIP") {
        const file = join(dir, `${basename(target.name ?? "artifacts") || "artifacts"}.zip`);
        await cp(zipFile, file);
        return { location: file };
      }
      // Entry names checked, nothing written through a link (the directory may be the build's own).
      await extractZip(zipFile, dir);
      return { location: dir };
    },
    // The build's log has each report group's summary line; locally there is nowhere to send them.
    async submitReports() {},
    // Local builds have no project, so no cache between them.
    async restoreCache() {
      return false;
    },
    async saveCache() {},
    async finish() {},
  };
}
