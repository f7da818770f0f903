/** Finds and parses the build's buildspec (inline text or a file in the source). */
import { posix } from "node:path";
import {
  formatDiagnostics,
  parseBuildspec,
  yamlFileErrorContext,
  type Buildspec,
} from "../../formats/buildspec/index.js";
import type { BuildJob } from "../api.js";
import { WorkspaceError, type Workspace } from "../workspace/index.js";
import { BuildStepError, CONTEXT } from "./errors.js";

/** A parsed buildspec with the warnings to log. */
export interface LoadedBuildspec {
  buildspec: Buildspec;
  /** `warning: buildspec.yml:3:1: …` lines. */
  warnings: string[];
}

/** The largest buildspec file read; a bigger one is a YAML_FILE_ERROR rather than a memory hog. */
export const MAX_BUILDSPEC_BYTES = 4 * 2 ** 20;

/**
 * Reads the buildspec. As in CodeBuild, `source.buildspec` is inline YAML when it looks like YAML
 * (a newline or `version:`), otherwise a path relative to the source directory; default
 * `buildspec.yml`. The file is read inside the build's sandbox, so a buildspec that is a link to a
 * host file reads what the build would read there. A missing file or invalid buildspec fails
 * DOWNLOAD_SOURCE with YAML_FILE_ERROR, before any command runs.
 */
export async function readBuildspec(
  job: BuildJob,
  workspace: Workspace,
  log: (line: string) => void,
): Promise<LoadedBuildspec> {
  const spec = job.source.buildspec?.trim() ? job.source.buildspec : undefined;
  let text: string;
  let fileName: string;
  if (spec !== undefined && (spec.includes("\n") || spec.includes("version:"))) {
    text = spec;
    fileName = "buildspec.yml";
  } else {
    fileName = spec ?? "buildspec.yml";
    const path = posix.resolve(workspace.dirs.inside.src, fileName);
    let bytes: Buffer | undefined;
    try {
      bytes = await workspace.read(path, MAX_BUILDSPEC_BYTES);
    } catch (err) {
      if (!(err instanceof WorkspaceError)) throw err;
      throw yamlFileError(`cannot read ${fileName}: ${err.message}`, err);
    }
    if (bytes === undefined) throw yamlFileError(`stat ${path}: no such file or directory`);
    text = bytes.toString("utf8");
  }
  const result = parseBuildspec(text, { fileName });
  const warnings = formatDiagnostics(result.warnings);
  if (!result.ok) {
    for (const line of formatDiagnostics([...result.errors, ...result.warnings], result.omittedErrors))
      log(line);
    throw new BuildStepError("FAILED", {
      statusCode: CONTEXT.yamlFile,
      message: yamlFileErrorContext(result.errors, result.omittedErrors),
    });
  }
  return { buildspec: result.buildspec, warnings };
}

function yamlFileError(message: string, cause?: unknown): BuildStepError {
  return new BuildStepError("FAILED", { statusCode: CONTEXT.yamlFile, message }, { cause });
}
