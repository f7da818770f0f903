/**
 * Diagnostics: what is wrong with a buildspec, and where. Every diagnostic carries the file name, the
 * 1-based line and column, and the key path, and prints as
 * `buildspec.yml:14:7: phases.build.commands must be a list of strings, got a mapping`.
 */

/** How serious a diagnostic is: an error stops the build before any command runs; a warning does not. */
export type DiagnosticSeverity = "error" | "warning";

/** One problem found in a buildspec. */
export interface Diagnostic {
  /** File name as given to the parser (default `buildspec.yml`). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** Key path (`phases.build.commands[2]`); "" for the document itself or a YAML syntax error. */
  readonly path: string;
  /** What is wrong and what would be right; read after the path. */
  readonly message: string;
  /** Error or warning. */
  readonly severity: DiagnosticSeverity;
  /** `file:line:column: path message`. */
  toString(): string;
}

/** Creates a {@link Diagnostic} whose `toString()` gives the `file:line:column: path message` form. */
export function createDiagnostic(fields: Omit<Diagnostic, "toString">): Diagnostic {
  return {
    ...fields,
    toString(): string {
      const what = fields.path === "" ? fields.message : `${fields.path} ${fields.message}`;
      return `${fields.file}:${fields.line}:${fields.column}: ${what}`;
    },
  };
}

/** Most errors one parse reports; past this the rest are counted, not listed. */
export const MAX_ERRORS = 20;
/** Most warnings one parse reports. */
export const MAX_WARNINGS = 50;

/** Collects diagnostics up to {@link MAX_ERRORS} errors and {@link MAX_WARNINGS} warnings. */
export class DiagnosticCollector {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  /** Errors found past {@link MAX_ERRORS}. */
  omittedErrors = 0;

  /** Records a diagnostic, or counts it when its list is full. */
  add(diagnostic: Diagnostic): void {
    if (diagnostic.severity === "error") {
      if (this.errors.length < MAX_ERRORS) this.errors.push(diagnostic);
      else this.omittedErrors += 1;
    } else if (this.warnings.length < MAX_WARNINGS) {
      this.warnings.push(diagnostic);
    }
  }
}

/**
 * Formats diagnostics for a build log, one line each, errors first:
 * `error: buildspec.yml:14:7: phases.build.commands must be a list of strings, got a mapping`.
 * `omittedErrors` (default 0) adds a closing line counting errors that were not listed.
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], omittedErrors = 0): string[] {
  const ordered = [
    ...diagnostics.filter((d) => d.severity === "error"),
    ...diagnostics.filter((d) => d.severity === "warning"),
  ];
  const lines = ordered.map((d) => `${d.severity}: ${d.toString()}`);
  if (omittedErrors > 0) lines.push(`error: … and ${omittedErrors} more ${plural(omittedErrors, "error")}`);
  return lines;
}

/** The phase context status code CodeBuild gives DOWNLOAD_SOURCE when the buildspec cannot be used. */
export const YAML_FILE_ERROR = "YAML_FILE_ERROR";

/**
 * The message of the DOWNLOAD_SOURCE phase context (status code {@link YAML_FILE_ERROR}) for a
 * buildspec that failed to parse: the errors in `file:line:column: path message` form, joined by
 * "; ", with a count of any errors past the list (`omittedErrors`, default 0).
 */
export function yamlFileErrorContext(errors: readonly Diagnostic[], omittedErrors = 0): string {
  const listed = errors.filter((d) => d.severity === "error").map((d) => d.toString());
  if (omittedErrors > 0) listed.push(`and ${omittedErrors} more ${plural(omittedErrors, "error")}`);
  if (listed.length === 0) return "the buildspec could not be parsed";
  return listed.join("; ");
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
