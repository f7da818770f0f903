import type { SecretRow } from "./secret-rows.js";

/** The filter keys ListSecrets accepts. */
export const FILTER_KEYS = [
  "description",
  "name",
  "tag-key",
  "tag-value",
  "primary-region",
  "owning-service",
  "all",
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** A ListSecrets filter as sent. */
export interface SecretFilter {
  Key?: FilterKey | undefined;
  Values?: string[] | undefined;
}

type Mode = "prefix" | "words";

/**
 * One predicate for ListSecrets `Filters`, with AWS's semantics: every filter must match, any of a
 * filter's values may; a value starting with `!` matches secrets where nothing matches the rest.
 * `name`, `tag-key` and `tag-value` match prefixes, case-sensitively; `description` and `all` match
 * words (split at punctuation and capitals), ignoring case.
 */
export function compileSecretFilters(filters: readonly SecretFilter[]): (secret: SecretRow) => boolean {
  const tests = filters
    .filter((f): f is { Key: FilterKey; Values?: string[] } => f.Key !== undefined)
    .map((f) => {
      const mode: Mode = f.Key === "description" || f.Key === "all" ? "words" : "prefix";
      const values = f.Values ?? [];
      return (secret: SecretRow) => {
        const attrs = attributes(secret, f.Key);
        return values.some((raw) => {
          const negated = raw.startsWith("!");
          const pattern = negated ? raw.slice(1) : raw;
          const hit = attrs.some((a) => matches(mode, a, pattern));
          return negated ? !hit : hit;
        });
      };
    });
  return (secret) => tests.every((t) => t(secret));
}

/** Whether `filters` select anything at all (a filter without a key is ignored). */
export function hasFilters(filters: readonly SecretFilter[]): boolean {
  return filters.some((f) => f.Key !== undefined);
}

/**
 * A prefix every name the `name` filters accept starts with, if they imply one: the common prefix of
 * a filter's values when none is negated. ListSecrets by name reads only that range of the name index.
 */
export function impliedNamePrefix(filters: readonly SecretFilter[]): string | undefined {
  for (const f of filters) {
    const values = f.Values ?? [];
    if (f.Key !== "name" || values.length === 0 || values.some((v) => v.startsWith("!"))) continue;
    return values.reduce((prefix, value) => {
      let i = 0;
      while (i < prefix.length && prefix[i] === value[i]) i++;
      return prefix.slice(0, i);
    });
  }
  return undefined;
}

function attributes(secret: SecretRow, key: FilterKey): string[] {
  const tags = JSON.parse(secret.tags) as Array<{ Key: string; Value: string }>;
  switch (key) {
    case "name":
      return [secret.name];
    case "description":
      return secret.description ? [secret.description] : [];
    case "tag-key":
      return tags.map((t) => t.Key);
    case "tag-value":
      return tags.map((t) => t.Value);
    // Secrets here are never replicas and never owned by another service.
    case "primary-region":
    case "owning-service":
      return [];
    case "all":
      return [
        secret.name,
        ...(secret.description ? [secret.description] : []),
        ...tags.flatMap((t) => [t.Key, t.Value]),
      ];
  }
}

function matches(mode: Mode, attribute: string, pattern: string): boolean {
  if (mode === "prefix") return attribute.startsWith(pattern);
  const wanted = words(pattern);
  const have = words(attribute);
  return wanted.length > 0 && wanted.every((w) => have.some((h) => h.startsWith(w)));
}

/** Lower-case words of `text`: split at anything but letters and digits, and before capitals. */
export function words(text: string): string[] {
  return text
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) => part.split(/(?<=[a-z0-9])(?=[A-Z])/))
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}
