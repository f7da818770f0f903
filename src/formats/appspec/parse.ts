/**
 * `parseAppSpec`: appspec.yml text → a checked {@link AppSpec}, or an {@link AppSpecError} listing
 * every problem (up to 20) as `appspec.yml:LINE:COL: key.path what is wrong, what would be right`.
 */
import { posix } from "node:path";
import { isScalar, LineCounter, parseDocument } from "yaml";
import { createDiagnostic, type Diagnostic } from "../buildspec/index.js";
import { AppSpecReader, BudgetExceeded, describe, type Field } from "./reader.js";
import {
  APPSPEC_HOOK_NAMES,
  FILE_EXISTS_BEHAVIORS,
  MAX_HOOK_TIMEOUT_SECONDS,
  type AppSpec,
  type AppSpecFile,
  type AppSpecHookScript,
  type AppSpecPermission,
  type FileExistsBehavior,
} from "./types.js";

/** Largest appspec read, in bytes of text; real ones are a few KiB. */
export const MAX_APPSPEC_BYTES = 1024 * 1024;

/** Why an appspec cannot be used; `diagnostics` has each problem with its position. */
export class AppSpecError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.toString()).join("\n"));
    this.name = "AppSpecError";
  }
}

const TOP_LEVEL_KEYS = ["version", "os", "files", "permissions", "hooks", "file_exists_behavior"];
const PERMISSION_KEYS = ["object", "pattern", "except", "owner", "group", "mode", "type", "acls", "context"];

/**
 * Parses an EC2/on-premises appspec (version 0.0, os linux). No I/O.
 * @throws AppSpecError naming file, line, column and key path of every problem found.
 */
export function parseAppSpec(text: string, fileName = "appspec.yml"): AppSpec {
  if (Buffer.byteLength(text, "utf8") > MAX_APPSPEC_BYTES) {
    throw new AppSpecError([
      createDiagnostic({
        file: fileName,
        line: 1,
        column: 1,
        path: "",
        message: `is larger than ${MAX_APPSPEC_BYTES} bytes; an appspec lists files and scripts, it does not hold them`,
        severity: "error",
      }),
    ]);
  }
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new AppSpecReader(fileName, doc, lines);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) r.error(e.pos[0], "", `YAML syntax error: ${e.message}`);
    throw new AppSpecError(r.errors);
  }
  try {
    const spec = readAppSpec(r, r.resolve(doc.contents, "", 0));
    if (r.errors.length > 0 || spec === undefined) {
      throw new AppSpecError([...r.errors].sort((a, b) => a.line - b.line || a.column - b.column));
    }
    return spec;
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    r.errors.length = 0;
    r.error(
      0,
      "",
      "expands to too many values through anchors and aliases (&a / *a), or has too many entries; write fewer",
    );
    throw new AppSpecError(r.errors);
  }
}

function readAppSpec(r: AppSpecReader, root: Field): AppSpec | undefined {
  if (root.node === null) {
    r.error(0, "", "is empty; it must be a mapping that starts with version: 0.0");
    return undefined;
  }
  const entries = r.entries(root, "a mapping that starts with version: 0.0");
  if (entries === undefined) return undefined;
  const get = (key: string) => entries.find((e) => e.key === key);
  for (const entry of entries) {
    if (!TOP_LEVEL_KEYS.includes(entry.key)) {
      r.error(entry.keyAt, entry.path, `is not an appspec key; expected one of ${TOP_LEVEL_KEYS.join(", ")}`);
    }
  }
  readVersion(r, get("version"), root.at);
  readOs(r, get("os"), root.at);
  const behaviorField = get("file_exists_behavior");
  const spec: AppSpec = {
    version: "0.0",
    os: "linux",
    files: readList(r, get("files"), "a list of {source, destination}", readFile),
    fileExistsBehavior: behaviorField && readBehavior(r, behaviorField),
    permissions: readList(r, get("permissions"), "a list of {object, owner, group, mode, …}", readPermission),
    hooks: readHooks(r, get("hooks")),
  };
  return spec;
}

function readVersion(r: AppSpecReader, field: Field | undefined, rootAt: number): void {
  if (field === undefined) {
    r.error(rootAt, "version", "is required; it must be 0.0");
    return;
  }
  const ok = isScalar(field.node) && (field.node.value === 0 || field.node.value === "0.0");
  if (!ok)
    r.error(field.at, field.path, `must be 0.0 (the only AppSpec version), got ${describe(field.node)}`);
}

function readOs(r: AppSpecReader, field: Field | undefined, rootAt: number): void {
  if (field === undefined) {
    r.error(rootAt, "os", "is required; it must be linux");
    return;
  }
  const os = r.string(field, "linux");
  if (os === "windows") {
    r.error(field.at, field.path, "is windows: this agent runs on Linux only; use os: linux");
  } else if (os !== undefined && os !== "linux") {
    r.error(field.at, field.path, `must be linux, got ${JSON.stringify(os)}`);
  }
}

function readBehavior(r: AppSpecReader, field: Field): FileExistsBehavior | undefined {
  const text = r.string(field, `one of ${FILE_EXISTS_BEHAVIORS.join(", ")}`);
  const found = FILE_EXISTS_BEHAVIORS.find((b) => b === text);
  if (text !== undefined && found === undefined) {
    r.error(
      field.at,
      field.path,
      `must be one of ${FILE_EXISTS_BEHAVIORS.join(", ")}, got ${JSON.stringify(text)}`,
    );
  }
  return found;
}

function readList<T>(
  r: AppSpecReader,
  field: Field | undefined,
  what: string,
  readItem: (r: AppSpecReader, item: Field) => T | undefined,
): T[] {
  if (field === undefined) return [];
  const out: T[] = [];
  for (const item of r.items(field, what) ?? []) {
    const value = readItem(r, item);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/** The keys of an item mapping, with unknown ones reported. */
function keysOf(
  r: AppSpecReader,
  item: Field,
  allowed: string[],
  what: string,
): Map<string, Field> | undefined {
  const entries = r.entries(item, what);
  if (entries === undefined) return undefined;
  const map = new Map<string, Field>();
  for (const entry of entries) {
    if (allowed.includes(entry.key)) map.set(entry.key, entry);
    else r.error(entry.keyAt, entry.path, `is not a known key here; expected ${allowed.join(", ")}`);
  }
  return map;
}

function readFile(r: AppSpecReader, item: Field): AppSpecFile | undefined {
  const keys = keysOf(r, item, ["source", "destination"], "a mapping with source and destination");
  if (keys === undefined) return undefined;
  const source = required(r, item, keys, "source", "a path inside the revision");
  const destination = required(r, item, keys, "destination", "an absolute path on the instance");
  const sourcePath = source && revisionPath(r, keys.get("source")!, source, true);
  const destinationPath = destination && absolutePath(r, keys.get("destination")!, destination);
  if (sourcePath === undefined || destinationPath === undefined) return undefined;
  return { source: sourcePath, destination: destinationPath };
}

function readPermission(r: AppSpecReader, item: Field): AppSpecPermission | undefined {
  const keys = keysOf(r, item, PERMISSION_KEYS, "a mapping with object and owner, group or mode");
  if (keys === undefined) return undefined;
  for (const unsupported of ["acls", "context"]) {
    const field = keys.get(unsupported);
    if (field)
      r.error(field.at, field.path, "is not supported by this agent; remove it or set it in a hook script");
  }
  const object = required(r, item, keys, "object", "an absolute path on the instance");
  const objectPath = object && absolutePath(r, keys.get("object")!, object);
  const opt = (key: string) => {
    const field = keys.get(key);
    return field && field.node !== null ? r.string(field) : undefined;
  };
  const modeField = keys.get("mode");
  let mode: number | undefined;
  const modeText = opt("mode");
  if (modeText !== undefined) {
    if (/^[0-7]{3,4}$/.test(modeText)) mode = parseInt(modeText, 8);
    else
      r.error(
        modeField!.at,
        modeField!.path,
        `must be octal permission digits such as 644 or 0755, got ${JSON.stringify(modeText)}`,
      );
  }
  const exceptField = keys.get("except");
  const except = exceptField ? readList(r, exceptField, "a list of patterns", (rr, f) => rr.string(f)) : [];
  const typeField = keys.get("type");
  const types = typeField
    ? readList(r, typeField, "a list of file and directory", (rr, f) => {
        const t = rr.string(f, "file or directory");
        if (t === "file" || t === "directory") return t;
        if (t !== undefined) rr.error(f.at, f.path, `must be file or directory, got ${JSON.stringify(t)}`);
        return undefined;
      })
    : (["file", "directory"] as const);
  if (objectPath === undefined) return undefined;
  return {
    object: objectPath,
    pattern: opt("pattern") ?? "**",
    except,
    owner: opt("owner"),
    group: opt("group"),
    mode,
    type: [...types],
  };
}

function readHooks(r: AppSpecReader, field: Field | undefined): AppSpec["hooks"] {
  const hooks: AppSpec["hooks"] = {};
  if (field === undefined || field.node === null) return hooks;
  for (const entry of r.entries(field, "a mapping of lifecycle event names to lists of scripts") ?? []) {
    const name = APPSPEC_HOOK_NAMES.find((n) => n === entry.key);
    if (name === undefined) {
      r.error(
        entry.keyAt,
        entry.path,
        `is not a lifecycle event of an EC2/on-premises deployment; expected one of ${APPSPEC_HOOK_NAMES.join(", ")}`,
      );
      continue;
    }
    hooks[name] = readList(r, entry, "a list of {location, timeout, runas}", readScript);
  }
  return hooks;
}

function readScript(r: AppSpecReader, item: Field): AppSpecHookScript | undefined {
  const keys = keysOf(
    r,
    item,
    ["location", "timeout", "runas"],
    "a mapping with location, timeout and runas",
  );
  if (keys === undefined) return undefined;
  const location = required(r, item, keys, "location", "the path of a script inside the revision");
  const locationPath = location && revisionPath(r, keys.get("location")!, location, false);
  let timeoutSeconds = MAX_HOOK_TIMEOUT_SECONDS;
  const timeoutField = keys.get("timeout");
  if (timeoutField && timeoutField.node !== null) {
    const value = isScalar(timeoutField.node) ? Number(timeoutField.node.value) : Number.NaN;
    if (!Number.isInteger(value) || value < 1 || value > MAX_HOOK_TIMEOUT_SECONDS) {
      r.error(
        timeoutField.at,
        timeoutField.path,
        `must be a whole number of seconds from 1 to ${MAX_HOOK_TIMEOUT_SECONDS}, got ${describe(timeoutField.node)}`,
      );
    } else timeoutSeconds = value;
  }
  const runasField = keys.get("runas");
  const runas = runasField && runasField.node !== null ? r.string(runasField, "a user name") : undefined;
  if (runas !== undefined && !/^[a-z_][a-z0-9_.-]*\$?$/i.test(runas)) {
    r.error(
      runasField!.at,
      runasField!.path,
      `must be a user name such as ec2-user, got ${JSON.stringify(runas)}`,
    );
  }
  if (locationPath === undefined) return undefined;
  return { location: locationPath, timeoutSeconds, runas };
}

function required(
  r: AppSpecReader,
  item: Field,
  keys: Map<string, Field>,
  key: string,
  what: string,
): string | undefined {
  const field = keys.get(key);
  if (field === undefined || field.node === null) {
    r.error(item.at, `${item.path}.${key}`, `is required; it must be ${what}`);
    return undefined;
  }
  return r.string(field, what);
}

/**
 * A path inside the revision: relative, `/` separators, no `..`. A leading `/` means the revision's
 * root (AWS joins it to the archive directory); `/` alone is the whole revision when `rootAllowed`.
 */
function revisionPath(
  r: AppSpecReader,
  field: Field,
  text: string,
  rootAllowed: boolean,
): string | undefined {
  const what = rootAllowed ? "a path inside the revision (or / for all of it)" : "a path inside the revision";
  if (text.includes("\0") || text.includes("\\")) {
    r.error(field.at, field.path, `must be ${what} with / separators, got ${JSON.stringify(text)}`);
    return undefined;
  }
  const segments = text.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) {
    r.error(field.at, field.path, `must stay inside the revision (no ..), got ${JSON.stringify(text)}`);
    return undefined;
  }
  if (segments.length === 0 && !rootAllowed) {
    r.error(field.at, field.path, `must name a script inside the revision, got ${JSON.stringify(text)}`);
    return undefined;
  }
  return segments.join("/");
}

/** An absolute path on the instance, normalised; `..` is refused rather than resolved. */
function absolutePath(r: AppSpecReader, field: Field, text: string): string | undefined {
  if (!text.startsWith("/") || text.includes("\0")) {
    r.error(
      field.at,
      field.path,
      `must be an absolute path such as /var/www/html, got ${JSON.stringify(text)}`,
    );
    return undefined;
  }
  if (text.split("/").includes("..")) {
    r.error(
      field.at,
      field.path,
      `must not contain .. (write the path it means), got ${JSON.stringify(text)}`,
    );
    return undefined;
  }
  return posix.normalize(text).replace(/(.)\/$/, "$1");
}
