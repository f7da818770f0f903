import { z } from "zod";
import { writeBlob } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { repositoryArn } from "../repositories/rows.js";
import {
  checkAuthor,
  checkFileMode,
  checkPath,
  checkWritablePath,
  decodeContent,
  fileModeOf,
} from "./checks.js";
import { commitOnBranch, openBranchWrite } from "./commit-writer.js";

const Text = z.string().optional();

/** PutFile: adds or replaces one file in a commit of its own on a branch. */
export function putFile(rt: CodeCommitRuntime) {
  return operation({
    name: "PutFile",
    input: z.object({
      repositoryName: Text,
      branchName: Text,
      fileContent: Text,
      filePath: Text,
      fileMode: Text,
      parentCommitId: Text,
      commitMessage: Text,
      name: Text,
      email: Text,
    }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const author = { name: input.name, email: input.email, message: input.commitMessage };
      checkAuthor(author);
      const mode = checkFileMode(input.fileMode);
      const filePath = checkPath(input.filePath, "filePath");
      // "Empty files cannot be added to the repository with this API" (FileContentRequiredException).
      const content = decodeContent(
        required(input.fileContent, "FileContentRequiredException", "fileContent"),
        "fileContent",
      );
      if (content.length === 0) {
        throw codecommitError(
          "FileContentRequiredException",
          "fileContent is empty; empty files cannot be added with PutFile.",
        );
      }
      const target = await openBranchWrite(rt, ctx, input);
      const existing = await checkWritablePath(target.tree, filePath);
      // Without a mode, a file keeps the one it has (a new file is NORMAL).
      const newMode = mode ?? existing?.mode ?? "100644";
      const blobId = await writeBlob(target.gitDir, content);
      if (existing && existing.oid === blobId && existing.mode === newMode) {
        throw codecommitError(
          "SameFileContentException",
          `${filePath} already has this content and mode on ${target.branch}; nothing to commit.`,
        );
      }
      target.tree.put(filePath, newMode, blobId);
      const treeId = await target.tree.write();
      const commitId = await commitOnBranch(
        rt,
        ctx,
        target,
        treeId,
        author,
        `${existing ? "Updated" : "Added"} ${filePath}`,
      );
      return { commitId, blobId, treeId };
    },
  });
}

/** DeleteFile: removes one file in a commit of its own; folders left empty go too unless kept. */
export function deleteFile(rt: CodeCommitRuntime) {
  return operation({
    name: "DeleteFile",
    input: z.object({
      repositoryName: Text,
      branchName: Text,
      filePath: Text,
      parentCommitId: Text,
      keepEmptyFolders: z.boolean().optional(),
      commitMessage: Text,
      name: Text,
      email: Text,
    }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const author = { name: input.name, email: input.email, message: input.commitMessage };
      checkAuthor(author);
      const filePath = checkPath(input.filePath, "filePath");
      const target = await openBranchWrite(rt, ctx, input);
      const entry = await target.tree.entry(filePath);
      if (!entry || fileModeOf(entry.mode) === undefined) {
        throw codecommitError(
          "FileDoesNotExistException",
          `${filePath} is not a file on ${target.branch} of ${target.repo.name}.`,
        );
      }
      target.tree.remove(filePath);
      // "By default, empty folders are deleted" (DeleteFile, keepEmptyFolders).
      const treeId = await target.tree.write({ keepEmptyFolders: input.keepEmptyFolders === true });
      const commitId = await commitOnBranch(rt, ctx, target, treeId, author, `Deleted ${filePath}`);
      return { commitId, blobId: entry.oid, treeId, filePath };
    },
  });
}
