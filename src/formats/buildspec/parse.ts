/**
 * `parseBuildspec`: YAML text → a typed {@link Buildspec}, or every problem found (up to 20), each
 * with file, line, column and key path.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node, type YAMLError } from "yaml";
import { describe, isEmpty, ParseContext, scalarText, type Entry, type Field } from "./context.js";
import { DiagnosticCollector, type Diagnostic } from "./diagnostics.js";
import { readBoolean, readString } from "./readers.js";
import { BUILDSPEC_VERSIONS, type Buildspec, type BuildspecProxy, type BuildspecVersion } from "./types.js";
import { validateArtifacts, validateCache } from "./validate-artifacts.js";
import { emptyEnv, validateEnv } from "./validate-env.js";
import { validatePhases } from "./validate-phases.js";
import { validateReports } from "./validate-reports.js";

/** Options for {@link parseBuildspec}. */
export interface ParseBuildspecOptions {
  /** File name diagnostics name; default `buildspec.yml`. */
  fileName?: string;
}

/** A buildspec that can run, with any warnings about keys CodeBuild ignores. */
export interface BuildspecParsed {
  ok: true;
  buildspec: Buildspec;
  warnings: Diagnostic[];
}

/** A buildspec that cannot run: the build fails in DOWNLOAD_SOURCE with YAML_FILE_ERROR. */
export interface BuildspecInvalid {
  ok: false;
  /** Errors in file order, at most 20. */
  errors: Diagnostic[];
  /** Errors found past the first 20. */
  omittedErrors: number;
  warnings: Diagnostic[];
}

/** What {@link parseBuildspec} returns. */
export type ParseResult = BuildspecParsed | BuildspecInvalid;

const TOP_LEVEL_KEYS = [
  "version",
  "run-as",
  "env",
  "proxy",
  "batch",
  "phases",
  "reports",
  "artifacts",
  "cache",
] as const;
const PROXY_KEYS = ["upload-artifacts", "logs"] as const;

/**
 * Parses and validates a buildspec (version 0.2, or 0.1) as the CodeBuild buildspec reference
 * documents it. YAML is read as YAML 1.1, like the Go YAML library CodeBuild's agent uses (`yes` and
 * `no` are booleans, `<<` merge keys work). All problems are collected, up to 20 errors; keys
 * CodeBuild ignores give warnings. No I/O: the text is all it reads.
 */
export function parseBuildspec(text: string, options: ParseBuildspecOptions = {}): ParseResult {
  const file = options.fileName ?? "buildspec.yml";
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = new LineCounter();
  const doc = parseDocument(source, {
    version: "1.1",
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const diagnostics = new DiagnosticCollector();
  const ctx = new ParseContext(file, doc, lines, diagnostics);

  for (const warning of doc.warnings) ctx.warn(warning.pos[0], "", `YAML: ${warning.message}`);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) ctx.error(error.pos[0], "", `YAML syntax error: ${syntaxMessage(error)}`);
    return invalid(diagnostics);
  }

  const root = ctx.field(doc.contents, "", doc.contents?.range[0] ?? 0);
  if (isEmpty(root.node)) {
    ctx.error(0, "", "the buildspec is empty; it must be a mapping that starts with version: 0.2");
    return invalid(diagnostics);
  }
  if (!isMap(root.node)) {
    ctx.error(
      root.at,
      "",
      `the buildspec must be a mapping that starts with version: 0.2, got ${describe(root.node)}`,
    );
    return invalid(diagnostics);
  }
  const entries = ctx.entries(root) ?? [];
  ctx.warnUnknownKeys(entries, TOP_LEVEL_KEYS, "a buildspec key");
  const byKey = (key: string): Entry | undefined => entries.find((e) => e.key === key);

  const version = readVersion(ctx, byKey("version"), root.at);
  const envField = byKey("env");
  const proxyField = byKey("proxy");
  const batchField = byKey("batch");
  const runAsField = byKey("run-as");
  const reportsField = byKey("reports");
  const artifactsField = byKey("artifacts");
  const cacheField = byKey("cache");
  const phasesField = byKey("phases");
  if (phasesField === undefined) {
    // The reference lists phases as required, yet an install phase with only runtime-versions runs,
    // so CodeBuild is lenient about what a phase holds. Pipewright runs a buildspec without phases
    // (its artifacts are still uploaded) and says so.
    ctx.warn(root.at, "phases", "is missing: no commands will run");
  }
  if (batchField !== undefined) {
    ctx.warn(
      batchField.keyAt,
      "batch",
      "is not supported: batch builds are ignored and this runs as one build",
    );
  }

  const buildspec: Buildspec = {
    version: version ?? "0.2",
    // 0.1 runs each command in a separate instance of the shell; 0.2 runs all commands in one shell,
    // so cd and export carry from one command (and phase) to the next.
    shellPerCommand: version === "0.1",
    runAs: runAsField === undefined ? undefined : readString(ctx, runAsField),
    env: envField === undefined ? emptyEnv() : validateEnv(ctx, envField),
    proxy: proxyField === undefined ? undefined : readProxy(ctx, proxyField),
    batch: batchField === undefined ? undefined : ctx.toPlainData(batchField),
    phases: validatePhases(ctx, phasesField),
    reports: reportsField === undefined ? [] : validateReports(ctx, reportsField),
    artifacts: artifactsField === undefined ? undefined : validateArtifacts(ctx, artifactsField),
    cache: cacheField === undefined ? undefined : validateCache(ctx, cacheField),
  };
  if (diagnostics.errors.length > 0 || version === undefined) return invalid(diagnostics);
  return { ok: true, buildspec, warnings: inFileOrder(diagnostics.warnings) };
}

function syntaxMessage(error: YAMLError): string {
  if (error.code === "MULTIPLE_DOCS")
    return "a buildspec must be a single YAML document (found a second ---)";
  return error.message;
}

function invalid(diagnostics: DiagnosticCollector): BuildspecInvalid {
  return {
    ok: false,
    errors: inFileOrder(diagnostics.errors),
    omittedErrors: diagnostics.omittedErrors,
    warnings: inFileOrder(diagnostics.warnings),
  };
}

function inFileOrder(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `version` is required; 0.2 is recommended and 0.1 is still supported. */
function readVersion(
  ctx: ParseContext,
  field: Field | undefined,
  rootAt: number,
): BuildspecVersion | undefined {
  const allowed = BUILDSPEC_VERSIONS.join(" or ");
  if (field === undefined) {
    ctx.error(rootAt, "version", `is required; it must be ${allowed} (0.2 is recommended)`);
    return undefined;
  }
  const node = field.node;
  // `version: 0.2` is a number in YAML and `version: "0.2"` a string; both mean 0.2.
  const text = isScalar(node) && !isEmpty(node) ? normalizeVersion(node) : undefined;
  const version = BUILDSPEC_VERSIONS.find((v) => v === text);
  if (version === undefined) {
    ctx.error(field.at, field.path, `must be ${allowed}, got ${describe(node)}`);
  }
  return version;
}

function normalizeVersion(node: Node): string {
  if (isScalar(node) && typeof node.value === "number") return String(node.value);
  return scalarText(node);
}

/** `proxy` settings are accepted and reported; both default to no. */
function readProxy(ctx: ParseContext, field: Field): BuildspecProxy | undefined {
  const entries = ctx.entries(field);
  if (entries === undefined) return undefined;
  ctx.warnUnknownKeys(entries, PROXY_KEYS, "a proxy key");
  const proxy: BuildspecProxy = { uploadArtifacts: false, logs: false };
  for (const entry of entries) {
    if (entry.key === "upload-artifacts") proxy.uploadArtifacts = readBoolean(ctx, entry);
    if (entry.key === "logs") proxy.logs = readBoolean(ctx, entry);
  }
  return proxy;
}
