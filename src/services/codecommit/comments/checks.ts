import { z } from "zod";
import { readBlob, resolveCommit, treeEntry } from "../../../platform/git/index.js";
import { codecommitError, required } from "../errors.js";
import type { PullRequestRow } from "../pull-requests/rows.js";
import type { RepositoryRow } from "../repositories/rows.js";
import type { Location } from "./rows.js";

const S = z.string().optional();

// "Comments are limited to 10,240 characters." (CommentContentSizeLimitExceededException)
const MAX_CONTENT = 10_240;

export const LocationInput = z.object({
  filePath: S,
  filePosition: z.number().optional(),
  relativeFileVersion: S,
});

export function checkContent(value: string | undefined): string {
  const content = required(value, "CommentContentRequiredException", "content");
  if (content.length > MAX_CONTENT) {
    throw codecommitError(
      "CommentContentSizeLimitExceededException",
      `content is ${content.length} characters long; comments are limited to ${MAX_CONTENT}.`,
    );
  }
  return content;
}

export function checkCommentId(value: string | undefined, field = "commentId"): string {
  const id = required(value, "CommentIdRequiredException", field);
  if (!/^[0-9a-f-]{36}$/.test(id)) {
    throw codecommitError(
      "InvalidCommentIdException",
      `${field} ${JSON.stringify(id)} is not a comment ID; comment IDs are what PostCommentForPullRequest returns.`,
    );
  }
  return id;
}

/** Checks a comment location against the file it points into; returns it with the version's file. */
export async function checkLocation(
  gitDir: string,
  raw: z.output<typeof LocationInput>,
  before: string,
  after: string,
): Promise<Location> {
  const filePath = required(raw.filePath, "PathRequiredException", "location.filePath").replace(/^\/+/, "");
  if (filePath === "" || filePath.split("/").some((p) => p === "" || p === "." || p === "..")) {
    throw codecommitError(
      "InvalidPathException",
      `location.filePath ${JSON.stringify(raw.filePath)} is not a valid file path.`,
    );
  }
  const version = raw.relativeFileVersion ?? "AFTER";
  if (version !== "BEFORE" && version !== "AFTER") {
    throw codecommitError(
      "InvalidRelativeFileVersionEnumException",
      `location.relativeFileVersion ${JSON.stringify(version)} is not valid: use BEFORE or AFTER.`,
    );
  }
  const entry = await treeEntry(gitDir, version === "BEFORE" ? before : after, filePath);
  if (!entry || entry.mode === "040000") {
    throw codecommitError(
      "PathDoesNotExistException",
      `${filePath} does not exist in the ${version === "BEFORE" ? "before" : "after"} commit.`,
    );
  }
  if (raw.filePosition !== undefined) {
    const lines = (await readBlob(gitDir, entry.oid, 64 * 1024 * 1024)).toString("utf8").split("\n");
    const count = lines.length - (lines[lines.length - 1] === "" ? 1 : 0);
    if (
      !Number.isInteger(raw.filePosition) ||
      raw.filePosition < 1 ||
      raw.filePosition > Math.max(count, 1)
    ) {
      throw codecommitError(
        "InvalidFilePositionException",
        `location.filePosition ${raw.filePosition} is not a line of ${filePath} (1 to ${Math.max(count, 1)}).`,
      );
    }
  }
  return {
    filePath,
    ...(raw.filePosition !== undefined ? { filePosition: raw.filePosition } : {}),
    relativeFileVersion: version,
  };
}

export async function checkCommitExists(
  gitDir: string,
  repo: RepositoryRow,
  commitId: string,
): Promise<void> {
  if ((await resolveCommit(gitDir, commitId)) === undefined) {
    throw codecommitError(
      "CommitDoesNotExistException",
      `Commit ${commitId} does not exist in ${repo.name}.`,
    );
  }
}

export function requireSameRepository(pr: PullRequestRow, repo: RepositoryRow): void {
  if (pr.repository_id !== repo.repository_id) {
    throw codecommitError(
      "RepositoryNotAssociatedWithPullRequestException",
      `Pull request ${pr.pull_request_id} is not in ${repo.name}.`,
    );
  }
}
