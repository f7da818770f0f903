// Typed wrappers for the CodeCommit operations the console calls. Shapes follow the AWS API reference;
// only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { callAws } from "../api";
import { chunks } from "./batch";

export interface RepositoryNameIdPair {
  repositoryName: string;
  repositoryId: string;
}

export interface RepositoryMetadata {
  accountId?: string;
  repositoryId?: string;
  repositoryName: string;
  repositoryDescription?: string;
  defaultBranch?: string;
  lastModifiedDate?: number;
  creationDate?: number;
  cloneUrlHttp?: string;
  cloneUrlSsh?: string;
  Arn?: string;
}

export async function listRepositories(input: {
  sortBy?: "repositoryName" | "lastModifiedDate";
  order?: "ascending" | "descending";
  nextToken?: string;
}): Promise<{ repositories?: RepositoryNameIdPair[]; nextToken?: string }> {
  return callAws("CodeCommit_20150413.ListRepositories", input);
}

/** BatchGetRepositories for any number of names, keeping the order the names were given in. */
export async function batchGetRepositories(names: readonly string[]): Promise<RepositoryMetadata[]> {
  const pages = await Promise.all(
    chunks(names).map((repositoryNames) =>
      callAws<{ repositories?: RepositoryMetadata[] }>("CodeCommit_20150413.BatchGetRepositories", {
        repositoryNames,
      }),
    ),
  );
  const byName = new Map(pages.flatMap((page) => page.repositories ?? []).map((r) => [r.repositoryName, r]));
  return names.flatMap((name) => byName.get(name) ?? []);
}

export async function createRepository(input: {
  repositoryName: string;
  repositoryDescription?: string;
  tags?: Record<string, string>;
}): Promise<{ repositoryMetadata?: RepositoryMetadata }> {
  return callAws("CodeCommit_20150413.CreateRepository", input);
}

export async function getRepository(repositoryName: string): Promise<RepositoryMetadata> {
  const { repositoryMetadata } = await callAws<{ repositoryMetadata: RepositoryMetadata }>(
    "CodeCommit_20150413.GetRepository",
    { repositoryName },
  );
  return repositoryMetadata;
}

/** Every branch name of a repository, ListBranches page by page. */
export async function listAllBranches(repositoryName: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callAws<{ branches?: string[]; nextToken?: string }>(
      "CodeCommit_20150413.ListBranches",
      { repositoryName, nextToken },
    );
    names.push(...(page.branches ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

export async function getBranch(
  repositoryName: string,
  branchName: string,
): Promise<{ branchName?: string; commitId?: string }> {
  const { branch } = await callAws<{ branch?: { branchName?: string; commitId?: string } }>(
    "CodeCommit_20150413.GetBranch",
    { repositoryName, branchName },
  );
  return branch ?? {};
}

export interface FolderEntry {
  absolutePath: string;
  relativePath: string;
}

export interface Folder {
  commitId: string;
  folderPath?: string;
  subFolders?: (FolderEntry & { treeId?: string })[];
  files?: (FolderEntry & { blobId?: string; fileMode?: string })[];
  symbolicLinks?: (FolderEntry & { blobId?: string })[];
  subModules?: (FolderEntry & { commitId?: string })[];
}

export async function getFolder(
  repositoryName: string,
  commitSpecifier: string,
  folderPath: string,
): Promise<Folder> {
  return callAws("CodeCommit_20150413.GetFolder", { repositoryName, commitSpecifier, folderPath });
}

export interface File {
  commitId: string;
  blobId: string;
  filePath: string;
  fileMode?: string;
  fileSize: number;
  /** Base64. */
  fileContent: string;
}

export async function getFile(
  repositoryName: string,
  commitSpecifier: string,
  filePath: string,
): Promise<File> {
  return callAws("CodeCommit_20150413.GetFile", { repositoryName, commitSpecifier, filePath });
}

/** A commit's author or committer; `date` is git's raw "<epoch seconds> <UTC offset>". */
export interface UserInfo {
  name?: string;
  email?: string;
  date?: string;
}

export interface Commit {
  commitId: string;
  treeId?: string;
  parents?: string[];
  message?: string;
  author?: UserInfo;
  committer?: UserInfo;
}

export async function getCommit(repositoryName: string, commitId: string): Promise<Commit> {
  const { commit } = await callAws<{ commit: Commit }>("CodeCommit_20150413.GetCommit", {
    repositoryName,
    commitId,
  });
  return commit;
}

export interface BlobMetadata {
  blobId?: string;
  path?: string;
  mode?: string;
}

export interface Difference {
  beforeBlob?: BlobMetadata;
  afterBlob?: BlobMetadata;
  changeType?: "A" | "M" | "D";
}

/** Every difference between two commits (no `before` = against an empty tree), page by page. */
export async function getAllDifferences(
  repositoryName: string,
  beforeCommitSpecifier: string | undefined,
  afterCommitSpecifier: string,
): Promise<Difference[]> {
  const differences: Difference[] = [];
  let NextToken: string | undefined;
  do {
    const page = await callAws<{ differences?: Difference[]; NextToken?: string }>(
      "CodeCommit_20150413.GetDifferences",
      { repositoryName, beforeCommitSpecifier, afterCommitSpecifier, NextToken },
    );
    differences.push(...(page.differences ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return differences;
}

/** A blob's content, base64. */
export async function getBlob(repositoryName: string, blobId: string): Promise<string> {
  const { content } = await callAws<{ content: string }>("CodeCommit_20150413.GetBlob", {
    repositoryName,
    blobId,
  });
  return content;
}
