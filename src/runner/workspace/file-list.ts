/**
 * Choosing files by the buildspec's globs, from a listing the sandbox made (`find -printf`). Pure:
 * the host matches names, it never looks at the build's tree itself.
 */
import picomatch from "picomatch";

/** What `find -printf '%y'` says a path is. */
export type ListedType = "file" | "directory" | "symlink" | "other";

/** One path of a listing, relative to the directory listed. */
export interface ListedPath {
  path: string;
  type: ListedType;
}

/** The `find … -printf '%y\t%P\0'` output as paths; entries that do not parse are skipped. */
export function parseListing(output: Buffer): ListedPath[] {
  const paths: ListedPath[] = [];
  for (const record of output.toString("utf8").split("\0")) {
    const tab = record.indexOf("\t");
    if (tab !== 1) continue;
    const path = record.slice(2);
    if (path === "") continue;
    paths.push({ path, type: typeOf(record[0]!) });
  }
  return paths;
}

function typeOf(letter: string): ListedType {
  switch (letter) {
    case "f":
      return "file";
    case "d":
      return "directory";
    case "l":
      return "symlink";
    default:
      return "other";
  }
}

/** Options for {@link selectFiles}. */
export interface SelectOptions {
  /** Globs of paths left out; a directory that matches takes everything under it. Default none. */
  exclude?: string[];
  /** Also select symbolic links (kept as links); default false: a listing made with `find -L` has none. */
  links?: boolean;
}

/**
 * The paths of `listing` that are files (and links, with `links`) matching any of `patterns`,
 * sorted. As in CodeBuild, `**\/*` matches every file recursively, dotfiles included, and a pattern
 * naming a directory takes nothing (list its files with `dir/**\/*`).
 */
export function selectFiles(
  listing: ListedPath[],
  patterns: string[],
  options: SelectOptions = {},
): string[] {
  if (patterns.length === 0) return [];
  const clean = (p: string) => p.replace(/^(\.\/)+/, "");
  const include = picomatch(patterns.map(clean), { dot: true });
  const exclude = options.exclude?.length ? picomatch(options.exclude.map(clean), { dot: true }) : undefined;
  const excluded = (path: string): boolean => {
    if (!exclude) return false;
    for (let at = path.length; at > 0; at = path.lastIndexOf("/", at - 1)) {
      if (exclude(path.slice(0, at))) return true;
    }
    return false;
  };
  return listing
    .filter((entry) => entry.type === "file" || (options.links === true && entry.type === "symlink"))
    .map((entry) => entry.path)
    .filter((path) => include(path) && !excluded(path))
    .sort();
}
