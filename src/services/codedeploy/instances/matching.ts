import type { Tag, TagFilter } from "../shapes.js";

/**
 * Whether an instance's tags satisfy one filter. `KEY_ONLY` needs a tag with the key, `VALUE_ONLY`
 * a tag with the value (any key), `KEY_AND_VALUE` a tag with both. Without a `Type`, the members
 * given say which (both: KEY_AND_VALUE), as the console and CLI shorthand leave it out.
 */
export function tagMatches(tags: readonly Tag[], filter: TagFilter): boolean {
  switch (filterType(filter)) {
    case "KEY_ONLY":
      return tags.some((t) => t.Key === filter.Key);
    case "VALUE_ONLY":
      return tags.some((t) => t.Value === filter.Value);
    case "KEY_AND_VALUE":
      return tags.some((t) => t.Key === filter.Key && t.Value === filter.Value);
    case undefined:
      return false;
  }
}

/** A filter's type, given or inferred from the members present; undefined for an empty filter. */
export function filterType(filter: TagFilter): TagFilter["Type"] {
  if (filter.Type) return filter.Type;
  if (filter.Key !== undefined && filter.Value !== undefined) return "KEY_AND_VALUE";
  if (filter.Key !== undefined) return "KEY_ONLY";
  if (filter.Value !== undefined) return "VALUE_ONLY";
  return undefined;
}

/** AWS's rule for a list of filters: an instance matching any one of them is in (OR). */
export function matchesAny(tags: readonly Tag[], filters: readonly TagFilter[]): boolean {
  return filters.some((f) => tagMatches(tags, f));
}

/**
 * AWS's rule for a tag set: an instance is in when it matches every list of the set (AND), each
 * list by any one of its filters (OR). An empty set selects nothing.
 */
export function matchesTagSet(tags: readonly Tag[], set: readonly (readonly TagFilter[])[]): boolean {
  return set.length > 0 && set.every((list) => matchesAny(tags, list));
}

/**
 * Whether a group's selection (its filters, or its tag set; AWS refuses both at once) takes an
 * instance with these tags. A group with neither selects no instance.
 */
export function selects(
  tags: readonly Tag[],
  match: { tagFilters?: readonly TagFilter[]; tagSet?: readonly (readonly TagFilter[])[] },
): boolean {
  if (match.tagFilters && match.tagFilters.length > 0 && matchesAny(tags, match.tagFilters)) return true;
  if (match.tagSet && matchesTagSet(tags, match.tagSet)) return true;
  return false;
}
