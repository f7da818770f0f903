import { z } from "zod";
import { objectInfo, readBlob, TreeEditor, type TreeEntry } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { gitDirOfRow, repositoryArn, requireRepository } from "../repositories/rows.js";
import { checkPath, fileModeOf, MAX_FILE_BYTES } from "./checks.js";
import { resolveInRepository, treeOf } from "./specifiers.js";

const Text = z.string().optional();

function tooLarge(what: string, size: number) {
  return codecommitError(
    "FileTooLargeException",
    `${what} is ${size} bytes; the API returns files of at most 6 MB (${MAX_FILE_BYTES} bytes). Clone the repository to read it.`,
  );
}

/** GetFile: a file's bytes (base64 on the wire) and metadata at a commit, branch or tag. */
export function getFile(rt: CodeCommitRuntime) {
  return operation({
    name: "GetFile",
    input: z.object({ repositoryName: Text, commitSpecifier: Text, filePath: Text }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const filePath = checkPath(input.filePath, "filePath");
      const commitId = await resolveInRepository(rt, repo, input.commitSpecifier, "commitSpecifier");
      const gitDir = gitDirOfRow(rt, repo);
      const entry = await new TreeEditor(gitDir, await treeOf(gitDir, commitId)).entry(filePath);
      const fileMode = entry ? fileModeOf(entry.mode) : undefined;
      if (!entry || fileMode === undefined) {
        throw codecommitError(
          "FileDoesNotExistException",
          `${filePath} is not a file at commit ${commitId} of ${repo.name}.`,
        );
      }
      const size = entry.size ?? 0;
      if (size > MAX_FILE_BYTES) throw tooLarge(filePath, size);
      const content = await readBlob(gitDir, entry.oid, MAX_FILE_BYTES);
      return {
        commitId,
        blobId: entry.oid,
        filePath,
        fileMode,
        fileSize: content.length,
        fileContent: content.toString("base64"),
      };
    },
  });
}

/** GetBlob: one blob's bytes by id. */
export function getBlob(rt: CodeCommitRuntime) {
  return operation({
    name: "GetBlob",
    input: z.object({ repositoryName: Text, blobId: Text }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const blobId = required(input.blobId, "BlobIdRequiredException", "blobId");
      if (!/^[0-9a-fA-F]{40}$/.test(blobId)) {
        throw codecommitError(
          "InvalidBlobIdException",
          `blobId ${JSON.stringify(blobId)} is not a full 40-character blob ID.`,
        );
      }
      const gitDir = gitDirOfRow(rt, repo);
      const info = await objectInfo(gitDir, blobId.toLowerCase());
      if (info?.type !== "blob") {
        throw codecommitError(
          "BlobIdDoesNotExistException",
          `Blob ${blobId} does not exist in ${repo.name}.`,
        );
      }
      if (info.size > MAX_FILE_BYTES) throw tooLarge(`Blob ${blobId}`, info.size);
      const content = await readBlob(gitDir, blobId.toLowerCase(), MAX_FILE_BYTES);
      return { content: content.toString("base64") };
    },
  });
}

function joinPath(folder: string, name: string): string {
  return folder === "" ? name : `${folder}/${name}`;
}

/** GetFolder: what one folder holds, sorted into folders, files, symbolic links and submodules. */
export function getFolder(rt: CodeCommitRuntime) {
  return operation({
    name: "GetFolder",
    input: z.object({ repositoryName: Text, commitSpecifier: Text, folderPath: Text }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      // `--folder-path ""` (or "/") is the root, as the AWS CLI's own example shows.
      if (input.folderPath === undefined) {
        throw codecommitError("PathRequiredException", 'folderPath is required; use "" for the root.');
      }
      const folderPath = checkPath(input.folderPath, "folderPath", { allowRoot: true });
      const commitId = await resolveInRepository(rt, repo, input.commitSpecifier, "commitSpecifier");
      const gitDir = gitDirOfRow(rt, repo);
      const rootTree = await treeOf(gitDir, commitId);
      const tree = new TreeEditor(gitDir, rootTree);
      const folder = folderPath === "" ? undefined : await tree.entry(folderPath);
      const entries: TreeEntry[] | undefined =
        folderPath === "" || folder?.type === "tree" ? await tree.list(folderPath) : undefined;
      if (!entries) {
        throw codecommitError(
          "FolderDoesNotExistException",
          `${folderPath} is not a folder at commit ${commitId} of ${repo.name}.`,
        );
      }
      const out = {
        commitId,
        folderPath,
        treeId: folder?.oid ?? rootTree,
        subFolders: [] as object[],
        files: [] as object[],
        symbolicLinks: [] as object[],
        subModules: [] as object[],
      };
      for (const e of entries) {
        const paths = { absolutePath: joinPath(folderPath, e.name), relativePath: e.name };
        const fileMode = fileModeOf(e.mode);
        if (e.type === "tree") out.subFolders.push({ treeId: e.oid, ...paths });
        else if (e.type === "commit") out.subModules.push({ commitId: e.oid, ...paths });
        else if (fileMode === "SYMLINK") out.symbolicLinks.push({ blobId: e.oid, ...paths, fileMode });
        else out.files.push({ blobId: e.oid, ...paths, fileMode: fileMode ?? "NORMAL" });
      }
      return out;
    },
  });
}
