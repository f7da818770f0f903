/**
 * Walking an appspec's YAML tree with positions: every value comes with its key path and source
 * offset, aliases are resolved against a budget (so an alias bomb costs a bounded walk), and every
 * problem becomes a file:line:column diagnostic.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import { createDiagnostic, MAX_ERRORS, type Diagnostic } from "../buildspec/index.js";

/** A value with the key path and offset to report it at. */
export interface Field {
  /** The value, aliases resolved; null for an empty value. */
  node: Node | null;
  path: string;
  at: number;
}

/**
 * Most nodes one parse visits. Aliases of aliases multiply, so a small file could otherwise ask for
 * billions of visits (the "billion laughs" attack); no real appspec comes near this.
 */
const VISIT_BUDGET = 20_000;

/** Thrown when the visit budget runs out: the walk stops at once. */
export class BudgetExceeded extends Error {}

/** State of one parse: the document, positions and the errors found so far. */
export class AppSpecReader {
  readonly errors: Diagnostic[] = [];
  private visits = 0;

  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Records an error about `path` at offset `at`. */
  error(at: number, path: string, message: string): void {
    if (this.errors.length >= MAX_ERRORS) return;
    const { line, col } = this.lines.linePos(at);
    this.errors.push(
      createDiagnostic({ file: this.file, line, column: col, path, message, severity: "error" }),
    );
  }

  /** `node` with aliases resolved, counted against the budget. */
  resolve(node: unknown, path: string, at: number): Field {
    this.visits += 1;
    if (this.visits > VISIT_BUDGET) throw new BudgetExceeded();
    let current = node;
    for (let hops = 0; isAlias(current); hops++) {
      if (hops > 100) throw new BudgetExceeded();
      current = current.resolve(this.doc);
    }
    if (current === undefined || current === null) return { node: null, path, at };
    const value = current as Node;
    const empty = isScalar(value) && (value.value === null || value.value === undefined);
    return { node: empty ? null : value, path, at: value.range?.[0] ?? at };
  }

  /** The entries of a mapping field, or undefined (and an error) when it is something else. */
  entries(field: Field, what: string): Array<Field & { key: string; keyAt: number }> | undefined {
    if (!isMap(field.node)) {
      this.error(field.at, field.path, `must be ${what}, got ${describe(field.node)}`);
      return undefined;
    }
    const out: Array<Field & { key: string; keyAt: number }> = [];
    for (const pair of field.node.items) {
      const keyField = this.resolve(pair.key, field.path, field.at);
      const keyAt = keyField.at;
      if (!isScalar(keyField.node) || typeof keyField.node.value === "object") {
        this.error(keyAt, field.path, `has a key that is not a plain name (${describe(keyField.node)})`);
        continue;
      }
      const key = scalarText(keyField.node.value);
      const path = field.path === "" ? key : `${field.path}.${key}`;
      out.push({ ...this.resolve(pair.value, path, keyAt), key, keyAt });
    }
    return out;
  }

  /** The items of a list field; an empty value is an empty list. */
  items(field: Field, what: string): Field[] | undefined {
    if (field.node === null) return [];
    if (!isSeq(field.node)) {
      this.error(field.at, field.path, `must be ${what}, got ${describe(field.node)}`);
      return undefined;
    }
    return field.node.items.map((item, index) => this.resolve(item, `${field.path}[${index}]`, field.at));
  }

  /** A scalar as text (numbers and booleans as written), or undefined (and an error) otherwise. */
  string(field: Field, what = "a string"): string | undefined {
    if (isScalar(field.node) && field.node.value !== null && typeof field.node.value !== "object") {
      return scalarText(field.node.value);
    }
    this.error(field.at, field.path, `must be ${what}, got ${describe(field.node)}`);
    return undefined;
  }
}

/** How a value reads in a message: `a mapping`, `a list`, `the number 3`, `nothing`. */
export function describe(node: Node | null): string {
  if (node === null) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const value = node.value;
    if (typeof value === "number") return `the number ${value}`;
    if (typeof value === "boolean") return `the boolean ${value}`;
    return `the string ${JSON.stringify(String(value))}`;
  }
  return "an unsupported value";
}

/** A scalar's value as written: strings as they are, numbers and booleans in their plain form. */
function scalarText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
