/**
 * Ranges of parameter names that an index on `name` can read directly. Names are compared byte by
 * byte (UTF-8 order, the order of the index on both databases); for the ASCII names SSM accepts,
 * that is also JavaScript's order of strings.
 */

/** Names `from` (inclusive) up to `to` (exclusive, or inclusive when `toInclusive`); open ends unbounded. */
export interface NameRange {
  from?: string;
  to?: string;
  toInclusive?: boolean;
}

/** Every name. */
export const ALL_NAMES: NameRange = {};

/** Exactly `name`. */
export function exactRange(name: string): NameRange {
  return { from: name, to: name, toInclusive: true };
}

/** The names that start with `prefix`: from the prefix up to the first string past all of them. */
export function prefixRange(prefix: string): NameRange {
  if (prefix === "") return ALL_NAMES;
  const end = prefixSuccessor(prefix);
  return end === undefined ? { from: prefix } : { from: prefix, to: end };
}

/**
 * The least string greater than every string that starts with `prefix`: the prefix with its last
 * character incremented. Undefined when no such string can be written (the last character is a
 * surrogate or U+FFFF, where incrementing a code unit would not follow UTF-8 order).
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (Number.isNaN(last) || (last >= 0xd800 && last < 0xe000) || last === 0xffff) return undefined;
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/** The smallest range holding every one of `ranges` (the names any of them may match). */
export function hull(ranges: readonly NameRange[]): NameRange {
  if (ranges.length === 0) return ALL_NAMES;
  let result: NameRange = ranges[0]!;
  for (const r of ranges.slice(1)) {
    const from = result.from === undefined || r.from === undefined ? undefined : min(result.from, r.from);
    const upper = result.to === undefined || r.to === undefined ? undefined : maxUpper(result, r);
    result = { ...(from !== undefined ? { from } : {}), ...(upper ?? {}) };
  }
  return result;
}

/** The names in every one of `ranges`. */
export function intersect(ranges: readonly NameRange[]): NameRange {
  let result: NameRange = ALL_NAMES;
  for (const r of ranges) {
    const from =
      result.from === undefined ? r.from : r.from === undefined ? result.from : max(result.from, r.from);
    const upper =
      result.to === undefined ? upperOf(r) : r.to === undefined ? upperOf(result) : minUpper(result, r);
    result = { ...(from !== undefined ? { from } : {}), ...(upper ?? {}) };
  }
  return result;
}

/**
 * For a one-level listing under `path` (normalised), where a scan that met `name` may jump: when
 * `name` lies deeper than one level, the first name past its whole subtree (`/p/a/…` → `/p/a0`, as
 * `0` follows `/`), so a listing of one level skips each subtree with one index seek instead of
 * reading it; undefined when `name` is not deeper.
 */
export function skipSubtree(path: string, name: string): string | undefined {
  const base = path === "/" ? "/" : `${path}/`;
  if (!name.startsWith(base)) return undefined;
  const slash = name.indexOf("/", base.length);
  return slash < 0 ? undefined : `${name.slice(0, slash)}0`;
}

type Upper = Pick<NameRange, "to" | "toInclusive">;

function upperOf(r: NameRange): Upper | undefined {
  return r.to === undefined ? undefined : { to: r.to, ...(r.toInclusive ? { toInclusive: true } : {}) };
}

function maxUpper(a: NameRange, b: NameRange): Upper | undefined {
  if (a.to! !== b.to!) return upperOf(a.to! > b.to! ? a : b);
  return upperOf(a.toInclusive ? a : b);
}

function minUpper(a: NameRange, b: NameRange): Upper | undefined {
  if (a.to! !== b.to!) return upperOf(a.to! < b.to! ? a : b);
  return upperOf(a.toInclusive ? b : a);
}

function min(a: string, b: string): string {
  return a < b ? a : b;
}

function max(a: string, b: string): string {
  return a > b ? a : b;
}
