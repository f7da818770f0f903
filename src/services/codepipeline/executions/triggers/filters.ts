import type { FilterCriteria } from "../pipeline-source.js";

/**
 * Trigger filter globs, as CodePipeline's user guide describes them: `*` matches any characters
 * but `/`, `**` any characters (also across `/`; followed by `/` it also matches no directory at
 * all: `src/` then `**` then `/a.md` takes `src/a.md`), `?` one character but `/`; `{a,b}` either.
 *
 * Whoever writes a pipeline chooses the patterns, so matching must not blow up: a regular
 * expression built from `**a**a**a…b` backtracks for minutes on a long path and stalls the whole
 * server. Here braces are expanded (at most {@link MAX_ALTERNATIVES} alternatives; a pattern with
 * more, or with unbalanced braces, matches only itself, literally) and each alternative is matched
 * by a walk that keeps the set of value positions reached: time linear in pattern × value.
 */

/** Alternatives a pattern's braces may expand to before it is taken literally. */
export const MAX_ALTERNATIVES = 256;

type Token =
  | { kind: "char"; c: string }
  | { kind: "one" }
  | { kind: "star" }
  | { kind: "globstar" }
  /** `**` followed by `/`: nothing, or anything ending in `/`. */
  | { kind: "dirs" };

/** Whether `value` matches the glob `pattern`. */
export function filterGlobMatches(pattern: string, value: string): boolean {
  const alternatives = expandBraces(pattern);
  if (!alternatives) return pattern === value;
  return alternatives.some((alternative) => matchTokens(tokenize(alternative), value));
}

/** `a{b,c}d` → `abd`, `acd` (nested too); undefined when unbalanced or too many. */
function expandBraces(pattern: string): string[] | undefined {
  const open = pattern.indexOf("{");
  if (open < 0) return pattern.includes("}") ? undefined : [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length && close < 0; i++) {
    const c = pattern[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) close = i;
    else if (c === "," && depth === 1) commas.push(i);
  }
  if (close < 0 || pattern.slice(0, open).includes("}")) return undefined;
  const bounds = [open, ...commas, close];
  const rest = expandBraces(pattern.slice(close + 1));
  if (!rest) return undefined;
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const inner = expandBraces(pattern.slice(bounds[k]! + 1, bounds[k + 1]));
    if (!inner) return undefined;
    for (const a of inner) {
      for (const b of rest) {
        out.push(pattern.slice(0, open) + a + b);
        if (out.length > MAX_ALTERNATIVES) return undefined;
      }
    }
  }
  return out;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      let j = i;
      while (pattern[j] === "*") j++;
      if (pattern[j] === "/") {
        tokens.push({ kind: "dirs" });
        i = j;
      } else {
        tokens.push({ kind: "globstar" });
        i = j - 1;
      }
    } else if (c === "*") tokens.push({ kind: "star" });
    else if (c === "?") tokens.push({ kind: "one" });
    else tokens.push({ kind: "char", c });
  }
  return tokens;
}

/** Walks the tokens keeping every position of `value` reachable so far. */
function matchTokens(tokens: readonly Token[], value: string): boolean {
  const n = value.length;
  let reached = new Uint8Array(n + 1);
  reached[0] = 1;
  for (const token of tokens) {
    const next = new Uint8Array(n + 1);
    let any = false;
    // For the wildcards: whether some position at or before i was reached (and, for `*`, no `/`
    // lies between it and i).
    let open = false;
    for (let i = 0; i <= n; i++) {
      const c = value[i];
      switch (token.kind) {
        case "char":
          if (reached[i] && c === token.c) next[i + 1] = 1;
          break;
        case "one":
          if (reached[i] && c !== undefined && c !== "/") next[i + 1] = 1;
          break;
        case "star":
          if (reached[i]) open = true;
          if (open) next[i] = 1;
          if (c === "/") open = false;
          break;
        case "globstar":
          if (reached[i]) open = true;
          if (open) next[i] = 1;
          break;
        case "dirs":
          if (reached[i]) {
            open = true;
            next[i] = 1;
          }
          if (open && c === "/") next[i + 1] = 1;
          break;
      }
    }
    for (let i = 0; i <= n && !any; i++) any = next[i] === 1;
    if (!any) return false;
    reached = next;
  }
  return reached[n] === 1;
}

/** Whether `values` pass a criterion: some value not excluded is included (or there are no includes). */
export function passes(criteria: FilterCriteria | undefined, values: readonly string[]): boolean {
  if (!criteria) return true;
  const kept = values.filter((v) => !(criteria.excludes ?? []).some((p) => filterGlobMatches(p, v)));
  const includes = criteria.includes ?? [];
  return includes.length ? kept.some((v) => includes.some((p) => filterGlobMatches(p, v))) : kept.length > 0;
}
