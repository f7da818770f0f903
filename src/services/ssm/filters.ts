import { ssmError } from "./errors.js";
import {
  ALL_NAMES,
  exactRange,
  hull,
  intersect,
  prefixRange,
  skipSubtree,
  type NameRange,
} from "./name-range.js";
import { isUnderPath, normalizePath } from "./names.js";
import type { ParameterRow } from "./parameter-rows.js";

/** A `ParameterStringFilter` as sent. */
export interface StringFilterInput {
  Key: string;
  Option?: string | undefined;
  Values?: string[] | undefined;
}

/** Which operation the filters belong to: each accepts its own keys. */
export type FilterSite = "DescribeParameters" | "GetParametersByPath";

/** What a filter is tested against: a parameter and the labels of its current version. */
export interface FilterSubject {
  row: ParameterRow;
  labels: readonly string[];
}

/** A checked filter, ready to test parameters. */
export type ParameterPredicate = (subject: FilterSubject) => boolean;

interface KeySpec {
  options: readonly string[];
  sites: readonly FilterSite[];
  /** The attribute values a filter on this key compares against. */
  read: (subject: FilterSubject) => readonly string[];
}

const EQUALS_OR_PREFIX = ["Equals", "BeginsWith"] as const;

const KEYS: Record<string, KeySpec> = {
  Name: {
    options: ["Equals", "BeginsWith", "Contains"],
    sites: ["DescribeParameters"],
    read: (s) => [s.row.name],
  },
  Path: { options: ["OneLevel", "Recursive"], sites: ["DescribeParameters"], read: (s) => [s.row.name] },
  Type: {
    options: EQUALS_OR_PREFIX,
    sites: ["DescribeParameters", "GetParametersByPath"],
    read: (s) => [s.row.type],
  },
  KeyId: {
    options: EQUALS_OR_PREFIX,
    sites: ["DescribeParameters", "GetParametersByPath"],
    read: (s) => (s.row.key_id ? [s.row.key_id] : []),
  },
  Tier: { options: EQUALS_OR_PREFIX, sites: ["DescribeParameters"], read: (s) => [s.row.tier] },
  DataType: { options: EQUALS_OR_PREFIX, sites: ["DescribeParameters"], read: (s) => [s.row.data_type] },
  Label: { options: EQUALS_OR_PREFIX, sites: ["GetParametersByPath"], read: (s) => s.labels },
};

const TAG_OPTIONS = ["Equals", "BeginsWith", "Contains"] as const;

/**
 * Checks `filters` for `site` with AWS's error codes (InvalidFilterKey, InvalidFilterOption,
 * InvalidFilterValue) and returns one predicate that all of them must pass. Values within a filter
 * are alternatives; filters all apply.
 */
export function compileFilters(filters: readonly StringFilterInput[], site: FilterSite): ParameterPredicate {
  const predicates = filters.map((f) => compileOne(f, site));
  return (subject) => predicates.every((p) => p(subject));
}

function compileOne(filter: StringFilterInput, site: FilterSite): ParameterPredicate {
  const values = filter.Values ?? [];
  if (filter.Key.startsWith("tag:")) {
    const tagKey = filter.Key.slice("tag:".length);
    const option = checkOption(filter, TAG_OPTIONS);
    return ({ row }) => {
      const tags = JSON.parse(row.tags) as Array<{ Key: string; Value: string }>;
      const tag = tags.find((t) => t.Key === tagKey);
      // A tag filter without values matches any value of the key, as AWS documents.
      return tag !== undefined && (values.length === 0 || values.some((v) => compare(option, tag.Value, v)));
    };
  }
  const spec = KEYS[filter.Key];
  const valid = Object.entries(KEYS)
    .filter(([, s]) => s.sites.includes(site))
    .map(([k]) => k);
  if (!spec || !spec.sites.includes(site)) {
    throw ssmError(
      "InvalidFilterKey",
      `The following filter key is not valid: ${filter.Key}. Valid filter keys include: [${valid.join(", ")}].`,
    );
  }
  const option = checkOption(filter, spec.options);
  if (values.length === 0) {
    throw ssmError(
      "InvalidFilterValue",
      `The following filter values are missing : null for filter key ${filter.Key}.`,
    );
  }
  if (filter.Key === "Path") {
    const paths = values.map(normalizePath);
    const recursive = option === "Recursive";
    return ({ row }) => paths.some((p) => isUnderPath(row.name, p, recursive));
  }
  if (filter.Key === "Type" && option === "Equals") {
    const bad = values.find((v) => !["String", "StringList", "SecureString"].includes(v));
    if (bad !== undefined) {
      throw ssmError(
        "InvalidFilterValue",
        `The following filter value is not valid: ${bad}. Valid values include: [String, StringList, SecureString].`,
      );
    }
  }
  return (subject) => spec.read(subject).some((actual) => values.some((v) => compare(option, actual, v)));
}

function checkOption(filter: StringFilterInput, options: readonly string[]): string {
  const option = filter.Option ?? options[0]!;
  if (!options.includes(option)) {
    throw ssmError(
      "InvalidFilterOption",
      `The following filter option is not valid: ${option}. Valid options include: [${options.join(", ")}].`,
    );
  }
  return option;
}

function compare(option: string, actual: string, wanted: string): boolean {
  switch (option) {
    case "BeginsWith":
      return actual.startsWith(wanted);
    case "Contains":
      return actual.includes(wanted);
    default:
      return actual === wanted;
  }
}

/** A legacy `ParametersFilter` (DescribeParameters `Filters`) as sent. */
export interface LegacyFilterInput {
  Key: "Name" | "Type" | "KeyId";
  Values: string[];
}

/** Legacy filters as the `ParameterStringFilter`s they mean: Name by prefix, Type and KeyId exactly. */
export function fromLegacyFilters(filters: readonly LegacyFilterInput[]): StringFilterInput[] {
  return filters.map((f) => ({
    Key: f.Key,
    Option: f.Key === "Name" ? "BeginsWith" : "Equals",
    Values: f.Values,
  }));
}

/**
 * The names `filters` (already checked by {@link compileFilters}) can match: a Name filter by
 * Equals or BeginsWith, or a Path filter, narrows the listing to a range of the name index. The
 * other filters are tested on each row.
 */
export function filtersNameRange(filters: readonly StringFilterInput[]): NameRange {
  return intersect(filters.map(filterNameRange));
}

function filterNameRange(filter: StringFilterInput): NameRange {
  const values = filter.Values ?? [];
  if (filter.Key === "Name" && (filter.Option ?? "Equals") === "Equals") return hull(values.map(exactRange));
  if (filter.Key === "Name" && filter.Option === "BeginsWith") return hull(values.map(prefixRange));
  if (filter.Key === "Path") return hull(values.map((v) => pathRange(normalizePath(v))));
  return ALL_NAMES;
}

/** The names under `path` (normalised), at any depth; the root holds `x` beside `/x`, so every name. */
export function pathRange(path: string): NameRange {
  return path === "/" ? ALL_NAMES : prefixRange(`${path}/`);
}

/**
 * The subtree skip of a one-level Path filter with a single value (see `skipSubtree`): its rows
 * can only be one level down, so a listing may seek past every deeper subtree. Undefined when no
 * filter allows it (with several paths, a row deep under one may lie one level under another).
 */
export function filtersSkip(
  filters: readonly StringFilterInput[],
): ((name: string) => string | undefined) | undefined {
  const oneLevel = filters.find(
    (f) => f.Key === "Path" && (f.Option ?? "OneLevel") === "OneLevel" && f.Values?.length === 1,
  );
  if (!oneLevel) return undefined;
  const path = normalizePath(oneLevel.Values![0]!);
  return (name) => skipSubtree(path, name);
}
