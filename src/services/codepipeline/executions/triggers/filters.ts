import type { FilterCriteria } from "../pipeline-source.js";

/**
 * A trigger filter glob, as CodePipeline's user guide describes them: `*` matches any characters
 * but `/`, `**` any characters (also across `/`; followed by `/` it also matches no directory
 * at all: `src/` then `**` then `/a.md` takes `src/a.md`), `?` one character; `{a,b}` either.
 */
export function filterGlobMatches(pattern: string, value: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*" && pattern[i + 2] === "/") {
      re += "(?:.*/)?";
      i += 2;
    } else if (c === "*" && pattern[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{") re += "(?:";
    else if (c === "}") re += ")";
    else if (c === ",") re += "|";
    else re += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  try {
    return new RegExp(`^${re}$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** Whether `values` pass a criterion: some value not excluded is included (or there are no includes). */
export function passes(criteria: FilterCriteria | undefined, values: readonly string[]): boolean {
  if (!criteria) return true;
  const kept = values.filter((v) => !(criteria.excludes ?? []).some((p) => filterGlobMatches(p, v)));
  const includes = criteria.includes ?? [];
  return includes.length ? kept.some((v) => includes.some((p) => filterGlobMatches(p, v))) : kept.length > 0;
}
