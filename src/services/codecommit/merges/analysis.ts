import {
  changedPaths,
  editTree,
  EMPTY_TREE,
  gitText,
  isAncestor,
  mergeBase,
  mergeTrees,
  objectSize,
  readBlob,
  treeEntry,
  writeBlob,
  type PathChange,
  type TreeEdit,
  type MergeTreeEntry as TreeEntry,
} from "../../../platform/git/index.js";
import { codecommitError } from "../errors.js";

export type MergeOption = "FAST_FORWARD_MERGE" | "SQUASH_MERGE" | "THREE_WAY_MERGE";
export type ConflictDetailLevel = "FILE_LEVEL" | "LINE_LEVEL";
export type ConflictResolutionStrategy = "NONE" | "ACCEPT_SOURCE" | "ACCEPT_DESTINATION" | "AUTOMERGE";

/** `ConflictResolution`: manual answers for conflicting paths. */
export interface ConflictResolution {
  replaceContents?: {
    filePath?: string;
    replacementType?: string;
    /** Base64, as the JSON protocol carries blobs. */
    content?: string;
    fileMode?: string;
  }[];
  deleteFiles?: { filePath?: string }[];
  setFileModes?: { filePath?: string; fileMode?: string }[];
}

/** How a merge should treat conflicts. */
export interface MergeSettings {
  /** Default FILE_LEVEL: "returns a not-mergeable result if the same file has differences in both branches". */
  detail: ConflictDetailLevel;
  /** Default NONE: "requires any conflicts to be resolved manually". */
  strategy: ConflictResolutionStrategy;
  resolution?: ConflictResolution;
}

/** A path that both branches changed in ways the settings do not reconcile. */
export interface Conflict {
  path: string;
  base?: TreeEntry;
  source?: TreeEntry;
  destination?: TreeEntry;
  /** True when git itself could not merge the contents line by line. */
  lineLevel: boolean;
}

/** What merging `source` into `destination` would do. */
export interface MergeAnalysis {
  sourceCommitId: string;
  destinationCommitId: string;
  baseCommitId?: string;
  /** The destination is an ancestor of the source: a fast-forward is possible. */
  fastForward: boolean;
  /** Conflicts left after the strategy and manual resolutions. */
  conflicts: Conflict[];
  /** The merged tree, when no conflict is left. */
  tree?: string;
  /** git's merged tree with conflict markers in it (for counting conflicts). */
  rawTree: string;
}

const FILE_MODES: Record<string, string> = { NORMAL: "100644", EXECUTABLE: "100755", SYMLINK: "120000" };

function same(a: TreeEntry | undefined, b: TreeEntry | undefined): boolean {
  return a?.oid === b?.oid && a?.mode === b?.mode;
}

/** Computes a merge of `source` into `destination` under `settings`, writing blobs and trees but no commit. */
export async function analyzeMerge(
  gitDir: string,
  source: string,
  destination: string,
  settings: MergeSettings,
): Promise<MergeAnalysis> {
  const base = await mergeBase(gitDir, destination, source);
  const fastForward = await isAncestor(gitDir, destination, source);
  const merged = await mergeTrees(gitDir, destination, source);
  const conflicts = new Map<string, Conflict>();
  for (const c of merged.conflicts) {
    conflicts.set(c.path, {
      path: c.path,
      ...(c.base ? { base: c.base } : {}),
      ...(c.theirs ? { source: c.theirs } : {}),
      ...(c.ours ? { destination: c.ours } : {}),
      lineLevel: true,
    });
  }
  if (settings.detail === "FILE_LEVEL" && settings.strategy !== "AUTOMERGE") {
    const from = base ?? EMPTY_TREE;
    const [bySource, byDestination] = await Promise.all([
      changedPaths(gitDir, from, source),
      changedPaths(gitDir, from, destination),
    ]);
    for (const [file, s] of bySource) {
      const d: PathChange | undefined = byDestination.get(file);
      if (!d || conflicts.has(file) || same(s.new, d.new)) continue;
      conflicts.set(file, {
        path: file,
        ...(s.old ? { base: s.old } : {}),
        ...(s.new ? { source: s.new } : {}),
        ...(d.new ? { destination: d.new } : {}),
        lineLevel: false,
      });
    }
  }

  const edits = new Map<string, TreeEdit>();
  const take = (c: Conflict, entry: TreeEntry | undefined) =>
    edits.set(c.path, entry ? { path: c.path, entry } : { path: c.path, delete: true });
  const open = new Map(conflicts);
  if (settings.strategy === "ACCEPT_SOURCE" || settings.strategy === "ACCEPT_DESTINATION") {
    for (const c of open.values()) take(c, settings.strategy === "ACCEPT_SOURCE" ? c.source : c.destination);
    open.clear();
  } else if (settings.strategy === "AUTOMERGE") {
    for (const [file, c] of open) if (!c.lineLevel) open.delete(file);
  }
  await applyResolution(gitDir, settings.resolution, conflicts, open, edits);

  return {
    sourceCommitId: source,
    destinationCommitId: destination,
    ...(base !== undefined ? { baseCommitId: base } : {}),
    fastForward,
    conflicts: [...open.values()],
    ...(open.size === 0 ? { tree: await editTree(gitDir, merged.tree, [...edits.values()]) } : {}),
    rawTree: merged.tree,
  };
}

async function applyResolution(
  gitDir: string,
  resolution: ConflictResolution | undefined,
  conflicts: ReadonlyMap<string, Conflict>,
  open: Map<string, Conflict>,
  edits: Map<string, TreeEdit>,
): Promise<void> {
  if (!resolution) return;
  const seen = new Set<string>();
  const conflictAt = (file: string | undefined, field: string): Conflict => {
    if (file === undefined || file === "")
      throw codecommitError("PathRequiredException", `${field}.filePath is required.`);
    if (seen.has(file)) {
      throw codecommitError(
        "MultipleConflictResolutionEntriesException",
        `conflictResolution has more than one entry for ${file}.`,
      );
    }
    seen.add(file);
    const c = conflicts.get(file);
    if (!c)
      throw codecommitError(
        "InvalidConflictResolutionException",
        `${field}.filePath ${file} is not a conflicting file of this merge.`,
      );
    open.delete(file);
    return c;
  };
  const total =
    (resolution.replaceContents?.length ?? 0) +
    (resolution.deleteFiles?.length ?? 0) +
    (resolution.setFileModes?.length ?? 0);
  if (total > 100) {
    throw codecommitError(
      "MaximumConflictResolutionEntriesExceededException",
      `conflictResolution has ${total} entries; at most 100 are allowed.`,
    );
  }
  for (const [i, r] of (resolution.replaceContents ?? []).entries()) {
    const field = `conflictResolution.replaceContents[${i}]`;
    const c = conflictAt(r.filePath, field);
    const modeOf = (fallback: TreeEntry | undefined) => {
      if (r.fileMode === undefined) return fallback?.mode ?? "100644";
      const mode = FILE_MODES[r.fileMode];
      if (!mode)
        throw codecommitError(
          "InvalidFileModeException",
          `${field}.fileMode must be NORMAL, EXECUTABLE or SYMLINK.`,
        );
      return mode;
    };
    switch (r.replacementType) {
      case undefined:
        throw codecommitError("ReplacementTypeRequiredException", `${field}.replacementType is required.`);
      case "KEEP_BASE":
      case "KEEP_SOURCE":
      case "KEEP_DESTINATION": {
        const entry =
          r.replacementType === "KEEP_BASE"
            ? c.base
            : r.replacementType === "KEEP_SOURCE"
              ? c.source
              : c.destination;
        edits.set(
          c.path,
          entry ? { path: c.path, entry: { ...entry, mode: modeOf(entry) } } : { path: c.path, delete: true },
        );
        break;
      }
      case "USE_NEW_CONTENT": {
        if (r.content === undefined)
          throw codecommitError(
            "ReplacementContentRequiredException",
            `${field}.content is required with USE_NEW_CONTENT.`,
          );
        const oid = await writeBlob(gitDir, Buffer.from(r.content, "base64"));
        edits.set(c.path, { path: c.path, entry: { mode: modeOf(c.source ?? c.destination), oid } });
        break;
      }
      default:
        throw codecommitError(
          "InvalidReplacementTypeException",
          `${field}.replacementType must be KEEP_BASE, KEEP_SOURCE, KEEP_DESTINATION or USE_NEW_CONTENT.`,
        );
    }
  }
  for (const [i, r] of (resolution.deleteFiles ?? []).entries()) {
    const c = conflictAt(r.filePath, `conflictResolution.deleteFiles[${i}]`);
    edits.set(c.path, { path: c.path, delete: true });
  }
  for (const [i, r] of (resolution.setFileModes ?? []).entries()) {
    const field = `conflictResolution.setFileModes[${i}]`;
    const c = conflictAt(r.filePath, field);
    const mode = FILE_MODES[r.fileMode ?? ""];
    if (!mode)
      throw codecommitError(
        "InvalidFileModeException",
        `${field}.fileMode must be NORMAL, EXECUTABLE or SYMLINK.`,
      );
    const entry = c.source ?? c.destination;
    if (!entry)
      throw codecommitError(
        "InvalidConflictResolutionException",
        `${field}: ${c.path} is deleted on both sides.`,
      );
    edits.set(c.path, { path: c.path, entry: { ...entry, mode } });
  }
}

function objectType(mode: string): "FILE" | "DIRECTORY" | "GIT_LINK" | "SYMBOLIC_LINK" {
  if (mode === "120000") return "SYMBOLIC_LINK";
  if (mode === "160000") return "GIT_LINK";
  if (mode === "040000") return "DIRECTORY";
  return "FILE";
}

function fileMode(mode: string): "EXECUTABLE" | "NORMAL" | "SYMLINK" | undefined {
  return mode === "100755"
    ? "EXECUTABLE"
    : mode === "100644"
      ? "NORMAL"
      : mode === "120000"
        ? "SYMLINK"
        : undefined;
}

async function isBinary(gitDir: string, entry: TreeEntry): Promise<boolean> {
  if (objectType(entry.mode) !== "FILE") return false;
  if ((await objectSize(gitDir, entry.oid)) > 6 * 1024 * 1024) return true;
  return (await readBlob(gitDir, entry.oid, 8 * 1024 * 1024)).subarray(0, 8000).includes(0);
}

function operationOf(base: TreeEntry | undefined, side: TreeEntry | undefined): "A" | "M" | "D" | undefined {
  if (!base) return side ? "A" : undefined;
  if (!side) return "D";
  return same(base, side) ? undefined : "M";
}

/** `ConflictMetadata` of one conflict, as GetMergeConflicts returns it. */
export async function conflictMetadata(gitDir: string, analysis: MergeAnalysis, c: Conflict) {
  const sides = { source: c.source, destination: c.destination, base: c.base };
  const pick = async <T>(f: (e: TreeEntry) => T | undefined | Promise<T | undefined>) => {
    const out: Partial<Record<keyof typeof sides, T>> = {};
    for (const [k, e] of Object.entries(sides) as [keyof typeof sides, TreeEntry | undefined][]) {
      if (!e) continue;
      const v = await f(e);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
  const fileModeConflict = !!c.source && !!c.destination && c.source.mode !== c.destination.mode;
  const objectTypeConflict =
    !!c.source && !!c.destination && objectType(c.source.mode) !== objectType(c.destination.mode);
  let markers = 0;
  if (c.lineLevel) {
    const merged = await treeEntry(gitDir, analysis.rawTree, c.path);
    if (merged && objectType(merged.mode) === "FILE") {
      markers = (
        (await readBlob(gitDir, merged.oid, 64 * 1024 * 1024)).toString("latin1").match(/^<{7}( |$)/gm) ?? []
      ).length;
    }
  }
  const sourceOp = operationOf(c.base, c.source);
  const destinationOp = operationOf(c.base, c.destination);
  return {
    filePath: c.path,
    fileSizes: await pick((e) => (objectType(e.mode) === "FILE" ? objectSize(gitDir, e.oid) : undefined)),
    fileModes: await pick((e) => fileMode(e.mode)),
    objectTypes: await pick((e) => objectType(e.mode)),
    numberOfConflicts: Math.max(1, markers + (fileModeConflict ? 1 : 0) + (objectTypeConflict ? 1 : 0)),
    isBinaryFile: await pick((e) => isBinary(gitDir, e)),
    contentConflict: c.source?.oid !== c.destination?.oid,
    fileModeConflict,
    objectTypeConflict,
    mergeOperations: {
      ...(sourceOp ? { source: sourceOp } : {}),
      ...(destinationOp ? { destination: destinationOp } : {}),
    },
  };
}

/**
 * `keepEmptyFolders`: "If the commit contains deletions, whether to keep a folder or folder
 * structure if the changes leave the folders empty. If true, a .gitkeep file is created for empty
 * folders." Every folder of `destination` that `tree` no longer has gets an empty `.gitkeep`.
 */
export async function keepEmptyFolders(gitDir: string, destination: string, tree: string): Promise<string> {
  const folders = async (treeish: string) =>
    new Set(
      (await gitText(["ls-tree", "-r", "-d", "-z", "--name-only", treeish], { gitDir }))
        .split("\0")
        .filter(Boolean),
    );
  const before = await folders(destination);
  const after = await folders(tree);
  const gone = [...before].filter((f) => !after.has(f));
  if (gone.length === 0) return tree;
  const empty = await writeBlob(gitDir, Buffer.alloc(0));
  return editTree(
    gitDir,
    tree,
    gone.map((f) => ({ path: `${f}/.gitkeep`, entry: { mode: "100644", oid: empty } })),
  );
}
