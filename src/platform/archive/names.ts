/**
 * Entry names of archives that came from outside (a source zip, a cache, a build's artifact): a
 * name is used only when it is a plain relative path that stays beneath the directory it is
 * unpacked into. `..` anywhere, an absolute path, an empty segment or a NUL is refused, whatever
 * the archive's format allows.
 */

/** Why an entry name is unsafe to use. */
export class UnsafeEntryNameError extends Error {
  constructor(
    readonly entryName: string,
    readonly reason: string,
  ) {
    super(`archive entry ${JSON.stringify(entryName)} ${reason}`);
    this.name = "UnsafeEntryNameError";
  }
}

/**
 * `name` as a relative path with `/` separators and no trailing slash.
 * Backslashes (written by some Windows tools) count as separators, as unzip treats them.
 * @throws UnsafeEntryNameError when it is absolute, climbs out with `..`, or contains NUL.
 */
export function safeEntryName(name: string): string {
  if (name.includes("\0")) throw new UnsafeEntryNameError(name, "contains a NUL character");
  const slashed = name.replaceAll("\\", "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:\//.test(slashed)) {
    throw new UnsafeEntryNameError(name, "is an absolute path; entries must be relative");
  }
  const segments = slashed.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) {
    throw new UnsafeEntryNameError(name, "points outside the directory it is unpacked into (..)");
  }
  if (segments.length === 0) throw new UnsafeEntryNameError(name, "is empty");
  return segments.join("/");
}

/**
 * `name` (without a directory's trailing `/`) when it is already in canonical form, for uses that
 * turn names into keys or paths without rewriting them (a deployment's object keys): besides what
 * {@link safeEntryName} refuses, an empty segment (`a//b`), a `.` segment, a backslash and any
 * control character are refused rather than normalised, so two different names can never land on
 * the same key and no name means something other than it says.
 * @throws UnsafeEntryNameError saying which rule failed.
 */
export function canonicalEntryName(name: string): string {
  if (name.includes("\0")) throw new UnsafeEntryNameError(name, "contains a NUL character");
  const control = [...name].find((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (control !== undefined) {
    const code = control.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase();
    throw new UnsafeEntryNameError(name, `contains a control character (U+${code})`);
  }
  if (name.includes("\\")) throw new UnsafeEntryNameError(name, "contains a backslash");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) {
    throw new UnsafeEntryNameError(name, "is an absolute path; entries must be relative");
  }
  const body = name.endsWith("/") ? name.slice(0, -1) : name;
  if (body === "") throw new UnsafeEntryNameError(name, "is empty");
  const segments = body.split("/");
  if (segments.includes("..")) {
    throw new UnsafeEntryNameError(name, "points outside the directory it is unpacked into (..)");
  }
  if (segments.includes(".")) throw new UnsafeEntryNameError(name, "has a '.' path segment");
  if (segments.includes("")) throw new UnsafeEntryNameError(name, "has an empty path segment (//)");
  return body;
}
