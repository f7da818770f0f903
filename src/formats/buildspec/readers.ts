/**
 * Readers for the value types a buildspec uses: strings, yes/no booleans, lists of strings and
 * string-to-string mappings. Each reports a wrong type at the value's position and returns undefined.
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { describe, isEmpty, scalarText, type Entry, type Field, type ParseContext } from "./context.js";

/**
 * A scalar as a string. Numbers and booleans are taken as written, as CodeBuild does for string
 * fields (`python: 3.10` is "3.10", not "3.1"). An empty value is undefined with a warning; a
 * mapping or list is an error.
 */
export function readString(ctx: ParseContext, field: Field): string | undefined {
  if (isEmpty(field.node)) {
    ctx.warn(field.at, field.path, "has no value and is ignored");
    return undefined;
  }
  if (!isScalar(field.node)) {
    ctx.error(field.at, field.path, `must be a string, got ${describe(field.node)}`);
    return undefined;
  }
  return scalarText(field.node);
}

const TRUE_WORDS = ["yes", "true"];
const FALSE_WORDS = ["no", "false"];

/**
 * A yes/no flag. The buildspec reference writes these as `yes` / `no`; YAML booleans and the strings
 * yes, no, true and false (any case) are all accepted. An empty value means `fallback`.
 */
export function readBoolean(ctx: ParseContext, field: Field, fallback = false): boolean {
  const node = field.node;
  if (isEmpty(node)) return fallback;
  if (isScalar(node)) {
    if (typeof node.value === "boolean") return node.value;
    const word = scalarText(node).toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
  }
  ctx.error(field.at, field.path, `must be yes or no, got ${describe(node)}`);
  return fallback;
}

/** Options for {@link readStringList}. */
export interface StringListOptions {
  /**
   * Accept a single string as a one-item list (AWS's own tutorials write `files: imagedefinitions.json`).
   * Default false: the value must be a list.
   */
  allowSingle?: boolean;
  /** A hint appended to the error for an item that is a mapping. */
  mappingItemHint?: string;
}

/**
 * A list of strings. Items that are numbers or booleans are taken as written; an empty item is
 * skipped with a warning; an item that is a mapping or a list is an error. An empty value is [].
 */
export function readStringList(
  ctx: ParseContext,
  field: Field,
  options: StringListOptions = {},
): string[] | undefined {
  const node = field.node;
  if (isEmpty(node)) return [];
  if (options.allowSingle === true && isScalar(node)) return [scalarText(node)];
  if (!isSeq(node)) {
    ctx.error(field.at, field.path, `must be a list of strings, got ${describe(node)}`);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  node.items.forEach((raw, index) => {
    const item = ctx.field(raw as Node, `${field.path}[${index}]`, (raw as Node).range?.[0] ?? field.at);
    if (isEmpty(item.node)) {
      ctx.warn(item.at, item.path, "is empty and is skipped");
    } else if (isScalar(item.node)) {
      out.push(scalarText(item.node));
    } else {
      const hint = isMap(item.node) && options.mappingItemHint ? ` ${options.mappingItemHint}` : "";
      ctx.error(item.at, item.path, `must be a string, got ${describe(item.node)}${hint}`);
      ok = false;
    }
  });
  return ok ? out : undefined;
}

/** Options for {@link readStringMap}. */
export interface StringMapOptions {
  /** What an empty value (`NAME:` and nothing) becomes; default: an empty value is an error. */
  emptyAs?: string;
  /** How the message names the expected value; default "a string". */
  valueName?: string;
  /** Called with each entry, to check its key. */
  checkEntry?: (entry: Entry) => void;
}

/**
 * A mapping of names to strings (`env.variables`, `runtime-versions`, …). Numbers and booleans are
 * taken as written; an empty value is the empty string when `emptyAs` is given, else an error; a
 * mapping or list value is an error.
 */
export function readStringMap(
  ctx: ParseContext,
  field: Field,
  options: StringMapOptions = {},
): Record<string, string> | undefined {
  const entries = ctx.entries(field);
  if (entries === undefined) return undefined;
  const valueName = options.valueName ?? "a string";
  const out: [string, string][] = [];
  let ok = true;
  for (const entry of entries) {
    options.checkEntry?.(entry);
    if (isEmpty(entry.node)) {
      if (options.emptyAs === undefined) {
        ctx.error(entry.at, entry.path, `must be ${valueName}, got nothing`);
        ok = false;
      } else {
        out.push([entry.key, options.emptyAs]);
      }
    } else if (isScalar(entry.node)) {
      out.push([entry.key, scalarText(entry.node)]);
    } else {
      ctx.error(entry.at, entry.path, `must be ${valueName}, got ${describe(entry.node)}`);
      ok = false;
    }
  }
  return ok ? Object.fromEntries(out) : undefined;
}
