/** Finds and parses the build's buildspec (inline text or a file in the source). */
import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import {
  formatDiagnostics,
  parseBuildspec,
  yamlFileErrorContext,
  type Buildspec,
} from "../../formats/buildspec/index.js";
import type { BuildJob } from "../api.js";
import { BuildStepError, CONTEXT } from "./errors.js";

/** A parsed buildspec with the warnings to log. */
export interface LoadedBuildspec {
  buildspec: Buildspec;
  /** `warning: buildspec.yml:3:1: …` lines. */
  warnings: string[];
}

/**
 * Reads the buildspec. As in CodeBuild, `source.buildspec` is inline YAML when it looks like YAML
 * (a newline or `version:`), otherwise a path relative to the source directory; default
 * `buildspec.yml`. A missing file or invalid buildspec fails DOWNLOAD_SOURCE with YAML_FILE_ERROR,
 * before any command runs.
 */
export async function readBuildspec(
  job: BuildJob,
  srcDir: string,
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
    const path = isAbsolute(fileName) ? fileName : join(srcDir, fileName);
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new BuildStepError(
        "FAILED",
        {
          statusCode: CONTEXT.yamlFile,
          message:
            code === "ENOENT"
              ? `stat ${path}: no such file or directory`
              : `cannot read ${fileName}: ${(err as Error).message}`,
        },
        { cause: err },
      );
    }
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
