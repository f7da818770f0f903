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
