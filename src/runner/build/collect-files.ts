/** Expands buildspec `files` globs (artifacts, reports, cache) against a base directory. */
import { resolve } from "node:path";

/** Options for {@link collectFiles}. */
export interface CollectOptions {
  /** Globs relative to `baseDir` whose files are left out; default none. */
  exclude?: string[];
  /** Follow symbolic links to directories; default false. */
  followSymlinks?: boolean;
}

/**
 * Files under `baseDir` that match any of `patterns` (relative paths, sorted). As in CodeBuild,
 * `**\/*` matches every file recursively, dotfiles included, and a pattern naming a directory
 * takes nothing (list its files with `dir/**\/*`).
 */
export async function collectFiles(
  baseDir: string,
  patterns: string[],
  options: CollectOptions = {},
): Promise<string[]> {
  if (patterns.length === 0) return [];
  // Loaded on first use, to keep `pipewright build` quick to start.
  const { glob } = await import("tinyglobby");
  const files = await glob(
    patterns.map((p) => p.replace(/^\.\//, "")),
    {
      cwd: resolve(baseDir),
      dot: true,
      onlyFiles: true,
      ignore: options.exclude ?? [],
      followSymbolicLinks: options.followSymlinks ?? false,
      expandDirectories: false,
    },
  );
  return files.sort();
}
