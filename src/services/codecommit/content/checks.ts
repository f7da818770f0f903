import { codecommitError, required } from "../errors.js";

/** CodeCommit quotas: one file added through the API is at most 6 MB. */
export const MAX_FILE_BYTES = 6 * 1024 * 1024;

/** The file modes of the API and the git modes they stand for. */
export const FILE_MODES = { NORMAL: "100644", EXECUTABLE: "100755", SYMLINK: "120000" } as const;
export type FileMode = keyof typeof FILE_MODES;

/** The API's name of a git file mode, or undefined for folders and submodules. */
export function fileModeOf(gitMode: string): FileMode | undefined {
  for (const [name, mode] of Object.entries(FILE_MODES)) if (mode === gitMode) return name as FileMode;
  return undefined;
}

/** A file mode given by a caller: `InvalidFileModeException` unless one of the three. */
export function checkFileMode(value: string | undefined, field = "fileMode"): string | undefined {
  if (value === undefined) return undefined;
  const mode = (FILE_MODES as Record<string, string>)[value];
  if (mode === undefined) {
    throw codecommitError(
      "InvalidFileModeException",
      `${field} ${JSON.stringify(value)} is not valid: use EXECUTABLE, NORMAL or SYMLINK.`,
    );
  }
  return mode;
}

function invalidPath(field: string, value: string, why: string) {
  return codecommitError("InvalidPathException", `${field} ${JSON.stringify(value)} is not valid: ${why}.`);
}

/**
 * A path in the repository, relative to its root. AWS documents `/examples/file.md` as the fully
 * qualified path of `examples/file.md`, so one leading slash names the root; everything that could
 * leave the tree or reach git's own files (`..`, `.`, empty components, `.git`) is refused.
 * Returns `""` for the root when `allowRoot`.
 */
export function checkPath(
  value: string | undefined,
  field: string,
  options: { allowRoot?: boolean } = {},
): string {
  if (options.allowRoot && (value === "" || value === "/")) return "";
  const raw = required(value, "PathRequiredException", field);
  let p = raw.startsWith("/") ? raw.slice(1) : raw;
  if (options.allowRoot && p.endsWith("/")) p = p.slice(0, -1);
  if (p === "") throw codecommitError("PathRequiredException", `${field} must name a file, not the root.`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(p)) throw invalidPath(field, raw, "it contains control characters");
  if (Buffer.byteLength(p) > 4096) throw invalidPath(field, raw, "it is longer than 4096 bytes");
  for (const part of p.split("/")) {
    if (part === "") throw invalidPath(field, raw, "it has an empty component ('//' or a trailing '/')");
    if (part === "." || part === "..") throw invalidPath(field, raw, "'.' and '..' are not allowed");
    if (part.toLowerCase() === ".git") throw invalidPath(field, raw, "'.git' is reserved");
  }
  return p;
}

/** Every folder above a path, outermost first: `a/b/c` → `a`, `a/b`. */
export function ancestorsOf(p: string): string[] {
  const parts = p.split("/");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** Base64 content from a request (the SDKs encode blobs so), size-checked. */
export function decodeContent(value: string, field: string): Buffer {
  const text = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
    throw codecommitError("SerializationException", `${field} is not valid base64.`);
  }
  const content = Buffer.from(text, "base64");
  if (content.length > MAX_FILE_BYTES) {
    throw codecommitError(
      "FileContentSizeLimitExceededException",
      `${field} is ${content.length} bytes; a file added through the API can be at most 6 MB (${MAX_FILE_BYTES} bytes). Use a Git client for larger files.`,
    );
  }
  return content;
}
