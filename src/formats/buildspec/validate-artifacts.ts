/** The `artifacts` (with `secondary-artifacts`) and `cache` sections. */
import { childPath, type Entry, type Field, type ParseContext } from "./context.js";
import { readBoolean, readString, readStringList } from "./readers.js";
import type { BuildspecArtifactSet, BuildspecArtifacts, BuildspecCache } from "./types.js";

const ARTIFACT_SET_KEYS = [
  "files",
  "name",
  "discard-paths",
  "base-directory",
  "exclude-paths",
  "enable-symlinks",
  "s3-prefix",
] as const;
const ARTIFACTS_KEYS = [...ARTIFACT_SET_KEYS, "secondary-artifacts"] as const;
const CACHE_KEYS = ["key", "fallback-keys", "action", "paths"] as const;

/** At most five fallback keys are used. */
const MAX_FALLBACK_KEYS = 5;

/**
 * Validates `artifacts`. `files` is required, in `artifacts` itself even when only secondary
 * artifacts are wanted, and in each secondary artifact.
 */
export function validateArtifacts(ctx: ParseContext, field: Field): BuildspecArtifacts | undefined {
  const entries = ctx.entries(field);
  if (entries === undefined) return undefined;
  ctx.warnUnknownKeys(entries, ARTIFACTS_KEYS, "an artifacts key");
  const artifacts: BuildspecArtifacts = { ...readArtifactSet(ctx, field, entries), secondaryArtifacts: [] };
  const secondary = entries.find((e) => e.key === "secondary-artifacts");
  if (secondary !== undefined) {
    for (const entry of ctx.entries(secondary) ?? []) {
      const own = ctx.entries(entry);
      if (own === undefined) continue;
      ctx.warnUnknownKeys(own, ARTIFACT_SET_KEYS, "a secondary artifact key");
      artifacts.secondaryArtifacts.push({ identifier: entry.key, ...readArtifactSet(ctx, entry, own) });
    }
  }
  return artifacts;
}

function readArtifactSet(ctx: ParseContext, field: Field, entries: readonly Entry[]): BuildspecArtifactSet {
  const set: BuildspecArtifactSet = {
    files: [],
    name: undefined,
    discardPaths: false,
    baseDirectory: undefined,
    excludePaths: [],
    enableSymlinks: false,
    s3Prefix: undefined,
  };
  let hasFiles = false;
  for (const entry of entries) {
    switch (entry.key) {
      case "files":
        hasFiles = true;
        // A single glob is accepted as a one-item list, as CodeBuild accepts `files: imagedefinitions.json`.
        set.files = readStringList(ctx, entry, { allowSingle: true }) ?? [];
        break;
      case "name":
        // The name may use shell expressions (`myname-$(date +%Y-%m-%d)`); the runner expands them.
        set.name = readString(ctx, entry);
        break;
      case "discard-paths":
        set.discardPaths = readBoolean(ctx, entry);
        break;
      case "base-directory":
        set.baseDirectory = readString(ctx, entry);
        break;
      case "exclude-paths":
        set.excludePaths = readStringList(ctx, entry, { allowSingle: true }) ?? [];
        break;
      case "enable-symlinks":
        set.enableSymlinks = readBoolean(ctx, entry);
        break;
      case "s3-prefix":
        set.s3Prefix = readString(ctx, entry);
        break;
    }
  }
  if (!hasFiles)
    ctx.error(field.at, childPath(field.path, "files"), "is required: the list of output locations");
  return set;
}

/** Validates `cache`. `paths` is required; `fallback-keys` are used only with a `key`. */
export function validateCache(ctx: ParseContext, field: Field): BuildspecCache | undefined {
  const entries = ctx.entries(field);
  if (entries === undefined) return undefined;
  ctx.warnUnknownKeys(entries, CACHE_KEYS, "a cache key");
  const cache: BuildspecCache = { paths: [], key: undefined, fallbackKeys: [], action: "restore-and-save" };
  let hasPaths = false;
  for (const entry of entries) {
    switch (entry.key) {
      case "paths":
        hasPaths = true;
        cache.paths = readStringList(ctx, entry, { allowSingle: true }) ?? [];
        break;
      case "key":
        cache.key = readString(ctx, entry);
        break;
      case "fallback-keys":
        cache.fallbackKeys = readStringList(ctx, entry) ?? [];
        if (cache.fallbackKeys.length > MAX_FALLBACK_KEYS) {
          ctx.error(
            entry.at,
            entry.path,
            `has ${cache.fallbackKeys.length} keys; at most ${MAX_FALLBACK_KEYS} are allowed`,
          );
        }
        break;
      case "action": {
        // restore only restores, save only saves; without an action the cache is restored and saved.
        const action = readString(ctx, entry);
        if (action === "restore" || action === "save") cache.action = action;
        else if (action !== undefined) {
          ctx.error(entry.at, entry.path, `must be restore or save, got ${JSON.stringify(action)}`);
        }
        break;
      }
    }
  }
  if (!hasPaths)
    ctx.error(field.at, childPath(field.path, "paths"), "is required: the list of locations to cache");
  const fallback = entries.find((e) => e.key === "fallback-keys");
  if (fallback !== undefined && cache.key === undefined && cache.fallbackKeys.length > 0) {
    ctx.warn(fallback.keyAt, fallback.path, "is ignored because cache.key is not set");
  }
  return cache;
}
