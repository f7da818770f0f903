import { parentDir, type TreeEditor, type TreeEntry } from "../../../platform/git/index.js";
import { codecommitError, required } from "../errors.js";

/** CodeCommit quotas: one file added through the API is at most 6 MB… */
export const MAX_FILE_BYTES = 6 * 1024 * 1024;
/** …and "the combined file content change size is 7 MB" of one commit made through the API. */
const MAX_COMMIT_CONTENT_BYTES = 7 * 1024 * 1024;

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

/** The 7 MB limit of a commit's new content, and the 6 MB limit of what one folder receives. */
export function checkContentSizes(plans: { filePath: string; content?: Buffer | undefined }[]): void {
  let total = 0;
  const perFolder = new Map<string, number>();
  for (const plan of plans) {
    const size = plan.content?.length ?? 0;
    total += size;
    const dir = parentDir(plan.filePath);
    perFolder.set(dir, (perFolder.get(dir) ?? 0) + size);
  }
  if (total > MAX_COMMIT_CONTENT_BYTES) {
    throw codecommitError(
      "FileContentSizeLimitExceededException",
      `The commit adds ${total} bytes of content; at most 7 MB (${MAX_COMMIT_CONTENT_BYTES} bytes) can change in one commit. Split it, or use a Git client.`,
    );
  }
  for (const [dir, size] of perFolder) {
    if (size > MAX_FILE_BYTES) {
      throw codecommitError(
        "FolderContentSizeLimitExceededException",
        `The commit adds ${size} bytes to folder ${JSON.stringify(dir === "" ? "/" : dir)}; one folder can receive at most 6 MB (${MAX_FILE_BYTES} bytes) in one commit.`,
      );
    }
  }
}

/**
 * The entry at `filePath` if a file may be written there: no file or submodule may sit where a
 * folder of the path is, and the path itself may not be a folder or a submodule.
 */
export async function checkWritablePath(tree: TreeEditor, filePath: string): Promise<TreeEntry | undefined> {
  for (const dir of ancestorsOf(filePath)) {
    const entry = await tree.entry(dir);
    if (entry?.type === "commit") throw submoduleConflict(filePath, dir);
    if (entry?.type === "blob") {
      throw codecommitError(
        "DirectoryNameConflictsWithFileNameException",
        `${filePath} cannot be added: ${dir} is a file, not a folder.`,
      );
    }
  }
  const entry = await tree.entry(filePath);
  if (entry?.type === "commit") throw submoduleConflict(filePath, filePath);
  if (entry?.type === "tree") {
    throw codecommitError(
      "FileNameConflictsWithDirectoryNameException",
      `${filePath} cannot be a file: a folder of that name exists.`,
    );
  }
  return entry;
}

function submoduleConflict(filePath: string, at: string) {
  return codecommitError(
    "FilePathConflictsWithSubmodulePathException",
    `${filePath} cannot be written: ${at} is a submodule.`,
  );
}

/** The author of an API commit, checked: AWS uses the caller's ARN when no name is given. */
export interface Author {
  name?: string | undefined;
  email?: string | undefined;
  message?: string | undefined;
}

const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_NAME_BYTES = 1024;

/** Checks author fields (NameLengthExceededException, InvalidEmailException, CommitMessageLengthExceededException). */
export function checkAuthor(author: Author, nameField = "name"): void {
  if (author.name !== undefined && Buffer.byteLength(author.name) > MAX_NAME_BYTES) {
    throw codecommitError(
      "NameLengthExceededException",
      `${nameField} is longer than ${MAX_NAME_BYTES} bytes.`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (author.email !== undefined && (author.email.length > 320 || /[<>\s\x00-\x1f]/.test(author.email))) {
    throw codecommitError(
      "InvalidEmailException",
      `email ${JSON.stringify(author.email)} is not valid: at most 320 characters, without spaces, '<' or '>'.`,
    );
  }
  if (author.message !== undefined && Buffer.byteLength(author.message) > MAX_MESSAGE_BYTES) {
    throw codecommitError(
      "CommitMessageLengthExceededException",
      `commitMessage is longer than 256 KB (${MAX_MESSAGE_BYTES} bytes).`,
    );
  }
}
