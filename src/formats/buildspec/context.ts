/**
 * What every section validator shares: the parsed YAML document, a line counter to turn offsets into
 * line and column, and the diagnostic collector. Also the walk over a mapping's entries (aliases and
 * `<<` merge keys resolved, as the Go YAML library CodeBuild's agent uses resolves them).
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type YAMLMap,
} from "yaml";
import { createDiagnostic, type DiagnosticCollector, type DiagnosticSeverity } from "./diagnostics.js";
import { closestName } from "./suggest.js";

/** A value in the YAML tree with the key path and source offset to report it at. */
export interface Field {
  /** The value node, aliases resolved; null when the key has no value at all. */
  readonly node: Node | null;
  /** Key path, e.g. `phases.build.commands`. */
  readonly path: string;
  /** Offset to report a problem with this value at (its key's when the value is empty). */
  readonly at: number;
}

/** One key of a mapping. */
export interface Entry extends Field {
  /** The key as written. */
  readonly key: string;
  /** Offset of the key. */
  readonly keyAt: number;
}

/**
 * Most mapping entries `<<` merges may produce in one parse. Merges of merges multiply, so a small
 * file could otherwise ask for billions (the "billion laughs" attack on YAML aliases).
 */
const MERGE_BUDGET = 10_000;

/** Shared state of one parse. */
export class ParseContext {
  private readonly resolved = new Map<Node, Node | null>();
  private readonly expanding = new Set<Node>();
  private mergeBudget = MERGE_BUDGET;

  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    readonly diagnostics: DiagnosticCollector,
  ) {}

  /** Records an error at `at` (a source offset). */
  error(at: number, path: string, message: string): void {
    this.report("error", at, path, message);
  }

  /** Records a warning at `at` (a source offset). */
  warn(at: number, path: string, message: string): void {
    this.report("warning", at, path, message);
  }

  private report(severity: DiagnosticSeverity, at: number, path: string, message: string): void {
    const { line, col } = this.lines.linePos(at);
    this.diagnostics.add(
      createDiagnostic({ file: this.file, line: Math.max(line, 1), column: col, path, message, severity }),
    );
  }

  /** Follows an alias to the node it names; other nodes are returned as they are. */
  resolve(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    if (!isAlias(node)) return node;
    // Alias.resolve searches the whole document; remember each answer.
    let target = this.resolved.get(node);
    if (target === undefined) {
      target = node.resolve(this.doc) ?? null;
      this.resolved.set(node, target);
    }
    return target;
  }

  /** A value as plain data (aliases expanded, at most 100 of them), or undefined with an error. */
  toPlainData(field: Field): unknown {
    if (field.node === null) return null;
    try {
      return field.node.toJS(this.doc, { maxAliasCount: 100 });
    } catch (err) {
      this.error(field.at, field.path, `cannot be read: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /** A field for a value node at `path`, reported at the value or, when empty, at `fallbackAt`. */
  field(node: Node | null | undefined, path: string, fallbackAt: number): Field {
    const resolved = this.resolve(node);
    const start = node?.range?.[0];
    const empty = resolved === null || (isScalar(resolved) && resolved.value === null);
    return { node: resolved, path, at: start === undefined || empty ? fallbackAt : start };
  }

  /**
   * The entries of a mapping field, or undefined (with an error) when it is not a mapping. An empty
   * value (`key:` and nothing) counts as an empty mapping. Keys must be scalars; `<<` merges the
   * mapping (or list of mappings) it names, keys written beside it winning.
   */
  entries(field: Field): Entry[] | undefined {
    if (isEmpty(field.node)) return [];
    if (!isMap(field.node)) {
      this.error(field.at, field.path, `must be a mapping, got ${describe(field.node)}`);
      return undefined;
    }
    const map = field.node;
    if (this.expanding.has(map)) {
      this.error(field.at, field.path, "merges itself through an alias (<<: *anchor inside the anchor)");
      return [];
    }
    this.expanding.add(map);
    try {
      return this.mapEntries(map, field);
    } finally {
      this.expanding.delete(map);
    }
  }

  private mapEntries(map: YAMLMap, field: Field): Entry[] {
    const own: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const keyAt = keyNode?.range?.[0] ?? field.at;
      if (isScalar(keyNode) && typeof keyNode.value === "symbol") {
        merged.push(...this.mergeSources(this.field(pair.value as Node | null, field.path, keyAt)));
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null) {
        this.error(keyAt, field.path, `has a key that is not a string: ${describe(this.resolve(keyNode))}`);
        continue;
      }
      const key = scalarText(keyNode);
      own.push({ key, keyAt, ...this.field(pair.value as Node | null, childPath(field.path, key), keyAt) });
    }
    const ownKeys = new Set(own.map((e) => e.key));
    const seen = new Set<string>();
    const fromMerge = merged.filter((e) => !ownKeys.has(e.key) && !seen.has(e.key) && seen.add(e.key));
    return [...fromMerge, ...own];
  }

  /** The entries a `<<` value brings in: earlier mappings in a merge list win over later ones. */
  private mergeSources(source: Field): Entry[] {
    const node = source.node;
    const sources = isSeq(node)
      ? node.items.map((item) => this.field(item as Node, source.path, source.at))
      : [source];
    const out = new Map<string, Entry>();
    for (const s of sources) {
      if (this.mergeBudget <= 0) break;
      if (!isMap(s.node)) {
        this.error(s.at, s.path, `has a << merge of ${describe(s.node)}; only mappings can be merged`);
        continue;
      }
      for (const entry of this.entries(s) ?? []) {
        this.mergeBudget -= 1;
        if (this.mergeBudget === 0) {
          this.error(s.at, s.path, `uses more than ${MERGE_BUDGET} merged keys; simplify its << merges`);
        }
        if (!out.has(entry.key)) out.set(entry.key, entry);
      }
    }
    return [...out.values()];
  }

  /**
   * Warns about each entry whose key is not in `known`, suggesting the closest known key. `what`
   * names the section for the message ("a buildspec key", "an env key", …).
   */
  warnUnknownKeys(entries: readonly Entry[], known: readonly string[], what: string): void {
    for (const entry of entries) {
      if (known.includes(entry.key)) continue;
      const guess = closestName(entry.key, known);
      const hint = guess === undefined ? "" : `; did you mean "${guess}"?`;
      this.warn(entry.keyAt, entry.path, `is not ${what} and is ignored${hint}`);
    }
  }
}

/** True for a missing value or an explicit null (`key:` with nothing after it, `~`, `null`). */
export function isEmpty(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/**
 * The text of a scalar as written (after quotes and escapes are undone), which is what CodeBuild's
 * Go agent puts in a string field: `1.10` stays "1.10", `yes` stays "yes", `0755` stays "0755".
 */
export function scalarText(node: Node): string {
  if (!isScalar(node)) return "";
  if (typeof node.source === "string") return node.source;
  return String(node.value);
}

/** How a value reads in a message: `a mapping`, `a list`, `a string ("x")`, `a number (3)`, … */
export function describe(node: Node | null): string {
  if (node === null) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (!isScalar(node)) return "an alias";
  const value = node.value;
  if (value === null) return "nothing";
  if (typeof value === "string") return `a string (${JSON.stringify(truncate(value))})`;
  if (typeof value === "number" || typeof value === "bigint") return `a number (${scalarText(node)})`;
  if (typeof value === "boolean") return `a boolean (${scalarText(node)})`;
  return `a ${typeof value}`;
}

/** `parent.key`, or `parent["key"]` when the key has characters that would make the path ambiguous. */
export function childPath(parent: string, key: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(key)) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
