import { z } from "zod";
import { baseName, writeBlob, type TreeEntry } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { repositoryArn } from "../repositories/rows.js";
import {
  ancestorsOf,
  checkAuthor,
  checkContentSizes,
  checkFileMode,
  checkPath,
  checkWritablePath,
  decodeContent,
  fileModeOf,
} from "./checks.js";
import { commitOnBranch, openBranchWrite } from "./commit-writer.js";

const Text = z.string().optional();

/** CodeCommit quotas: at most 100 file changes in one commit made through the API. */
const MAX_FILE_ENTRIES = 100;

const PutFileEntry = z.object({
  filePath: Text,
  fileMode: Text,
  fileContent: Text,
  sourceFile: z.object({ filePath: Text, isMove: z.boolean().optional() }).optional(),
});

interface FileMetadata {
  absolutePath: string;
  blobId: string;
  fileMode: string;
}

function fileMissing(filePath: string, field: string, branch: string) {
  return codecommitError("FileDoesNotExistException", `${field} ${filePath} is not a file on ${branch}.`);
}

/** CreateCommit: puts, copies, moves, deletes and mode changes of many files in one commit. */
export function createCommit(rt: CodeCommitRuntime) {
  return operation({
    name: "CreateCommit",
    input: z.object({
      repositoryName: Text,
      branchName: Text,
      parentCommitId: Text,
      authorName: Text,
      email: Text,
      commitMessage: Text,
      keepEmptyFolders: z.boolean().optional(),
      putFiles: z.array(PutFileEntry).optional(),
      deleteFiles: z.array(z.object({ filePath: Text })).optional(),
      setFileModes: z.array(z.object({ filePath: Text, fileMode: Text })).optional(),
    }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const author = { name: input.authorName, email: input.email, message: input.commitMessage };
      checkAuthor(author, "authorName");
      const puts = input.putFiles ?? [];
      const deletes = input.deleteFiles ?? [];
      const modes = input.setFileModes ?? [];
      const count = puts.length + deletes.length + modes.length;
      if (count === 0) {
        throw codecommitError(
          "FileEntryRequiredException",
          "Give at least one of putFiles, deleteFiles or setFileModes.",
        );
      }
      if (count > MAX_FILE_ENTRIES) {
        throw codecommitError(
          "MaximumFileEntriesExceededException",
          `The commit changes ${count} files; at most ${MAX_FILE_ENTRIES} are allowed. Use a Git client for larger commits.`,
        );
      }

      // Every path may be touched once: a second action on it is SamePathRequestException.
      const touched = new Set<string>();
      const touch = (p: string) => {
        if (touched.has(p)) {
          throw codecommitError(
            "SamePathRequestException",
            `${p} appears in more than one change of this commit; change each path once.`,
          );
        }
        touched.add(p);
      };
      const putPlans = puts.map((entry, i) => {
        const field = `putFiles[${i}]`;
        const filePath = checkPath(entry.filePath, `${field}.filePath`);
        const mode = checkFileMode(entry.fileMode, `${field}.fileMode`);
        const hasContent = entry.fileContent !== undefined;
        if (hasContent && entry.sourceFile) {
          throw codecommitError(
            "FileContentAndSourceFileSpecifiedException",
            `${field} gives both fileContent and sourceFile; give one.`,
          );
        }
        if (!hasContent && !entry.sourceFile) {
          throw codecommitError(
            "SourceFileOrContentRequiredException",
            `${field} needs fileContent or sourceFile.`,
          );
        }
        const source = entry.sourceFile
          ? {
              path: checkPath(entry.sourceFile.filePath, `${field}.sourceFile.filePath`),
              isMove: entry.sourceFile.isMove === true,
            }
          : undefined;
        if (source && baseName(source.path) === ".gitkeep") {
          throw codecommitError(
            "RestrictedSourceFileException",
            `${field}.sourceFile cannot copy or move a .gitkeep file.`,
          );
        }
        touch(filePath);
        if (source?.isMove) touch(source.path);
        const content = hasContent
          ? decodeContent(entry.fileContent ?? "", `${field}.fileContent`)
          : undefined;
        return { field, filePath, mode, source, content };
      });
      const deletePaths = deletes.map((entry, i) => {
        const p = checkPath(entry.filePath, `deleteFiles[${i}].filePath`);
        touch(p);
        return p;
      });
      const modePlans = modes.map((entry, i) => {
        const field = `setFileModes[${i}]`;
        const filePath = checkPath(entry.filePath, `${field}.filePath`);
        if (entry.fileMode === undefined || entry.fileMode === "") {
          throw codecommitError("FileModeRequiredException", `${field}.fileMode is required.`);
        }
        touch(filePath);
        return { filePath, mode: checkFileMode(entry.fileMode, `${field}.fileMode`) ?? "100644" };
      });
      const putPaths = new Set(putPlans.map((p) => p.filePath));
      for (const p of putPaths) {
        const clash = ancestorsOf(p).find((dir) => putPaths.has(dir));
        if (clash !== undefined) {
          throw codecommitError(
            "PutFileEntryConflictException",
            `putFiles makes ${clash} both a file and the folder of ${p}.`,
          );
        }
      }
      checkContentSizes(putPlans);

      const target = await openBranchWrite(rt, ctx, input);
      const { tree, branch } = target;
      const before = new Map<string, TreeEntry | undefined>();
      const fileAt = async (p: string, field: string) => {
        const entry = await tree.entry(p);
        if (!entry || fileModeOf(entry.mode) === undefined) throw fileMissing(p, field, branch);
        return entry;
      };
      const filesDeleted: FileMetadata[] = [];
      const filesAdded: FileMetadata[] = [];
      const filesUpdated: FileMetadata[] = [];
      const meta = (absolutePath: string, blobId: string, mode: string): FileMetadata => ({
        absolutePath,
        blobId,
        fileMode: fileModeOf(mode) ?? "NORMAL",
      });

      // Sources are read from the parent commit before anything moves.
      const sources = new Map<string, TreeEntry>();
      for (const plan of putPlans) {
        if (plan.source)
          sources.set(plan.source.path, await fileAt(plan.source.path, `${plan.field}.sourceFile`));
      }
      for (const [i, p] of deletePaths.entries()) {
        const entry = await fileAt(p, `deleteFiles[${i}]`);
        tree.remove(p);
        filesDeleted.push(meta(p, entry.oid, entry.mode));
      }
      for (const plan of putPlans) {
        if (!plan.source?.isMove) continue;
        const entry = sources.get(plan.source.path)!;
        tree.remove(plan.source.path);
        filesDeleted.push(meta(plan.source.path, entry.oid, entry.mode));
      }
      for (const plan of putPlans) {
        const existing = await checkWritablePath(tree, plan.filePath);
        before.set(plan.filePath, existing);
        const source = plan.source ? sources.get(plan.source.path) : undefined;
        const blobId = source?.oid ?? (await writeBlob(target.gitDir, plan.content ?? Buffer.alloc(0)));
        const mode = plan.mode ?? source?.mode ?? existing?.mode ?? "100644";
        if (existing?.oid === blobId && existing.mode === mode) continue;
        tree.put(plan.filePath, mode, blobId);
        (existing ? filesUpdated : filesAdded).push(meta(plan.filePath, blobId, mode));
      }
      for (const [i, plan] of modePlans.entries()) {
        const entry = await fileAt(plan.filePath, `setFileModes[${i}]`);
        if (entry.mode === plan.mode) continue;
        tree.put(plan.filePath, plan.mode, entry.oid);
        filesUpdated.push(meta(plan.filePath, entry.oid, plan.mode));
      }

      const treeId = await tree.write({ keepEmptyFolders: input.keepEmptyFolders === true });
      if (treeId === target.rootTree) {
        throw codecommitError(
          "NoChangeException",
          `The commit would not change anything on ${branch}; a commit must contain at least one change.`,
        );
      }
      const summary = [
        ...filesAdded.map((f) => `Added ${f.absolutePath}`),
        ...filesUpdated.map((f) => `Updated ${f.absolutePath}`),
        ...filesDeleted.map((f) => `Deleted ${f.absolutePath}`),
      ].join("\n");
      const commitId = await commitOnBranch(rt, ctx, target, treeId, author, summary);
      return { commitId, treeId, filesAdded, filesUpdated, filesDeleted };
    },
  });
}
