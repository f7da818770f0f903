import { z } from "zod";
import { codecommitError, required } from "../errors.js";
import type {
  ConflictDetailLevel,
  ConflictResolution,
  ConflictResolutionStrategy,
  MergeOption,
  MergeSettings,
} from "./analysis.js";

const S = z.string().optional();

/** The `ConflictResolution` input shape. */
export const ConflictResolutionInput = z.object({
  replaceContents: z.array(z.object({ filePath: S, replacementType: S, content: S, fileMode: S })).optional(),
  deleteFiles: z.array(z.object({ filePath: S })).optional(),
  setFileModes: z.array(z.object({ filePath: S, fileMode: S })).optional(),
});

const DETAIL_LEVELS = new Set(["FILE_LEVEL", "LINE_LEVEL"]);
const STRATEGIES = new Set(["NONE", "ACCEPT_SOURCE", "ACCEPT_DESTINATION", "AUTOMERGE"]);
const MERGE_OPTIONS = new Set(["FAST_FORWARD_MERGE", "SQUASH_MERGE", "THREE_WAY_MERGE"]);

/** Checks conflict settings (`InvalidConflictDetailLevelException`, `InvalidConflictResolutionStrategyException`). */
export function checkMergeSettings(input: {
  conflictDetailLevel?: string | undefined;
  conflictResolutionStrategy?: string | undefined;
  conflictResolution?: ConflictResolution | undefined;
}): MergeSettings {
  const detail = input.conflictDetailLevel ?? "FILE_LEVEL";
  if (!DETAIL_LEVELS.has(detail)) {
    throw codecommitError(
      "InvalidConflictDetailLevelException",
      `conflictDetailLevel ${JSON.stringify(detail)} is not valid: use FILE_LEVEL or LINE_LEVEL.`,
    );
  }
  const strategy = input.conflictResolutionStrategy ?? "NONE";
  if (!STRATEGIES.has(strategy)) {
    throw codecommitError(
      "InvalidConflictResolutionStrategyException",
      `conflictResolutionStrategy ${JSON.stringify(strategy)} is not valid: use NONE, ACCEPT_SOURCE, ACCEPT_DESTINATION or AUTOMERGE.`,
    );
  }
  return {
    detail: detail as ConflictDetailLevel,
    strategy: strategy as ConflictResolutionStrategy,
    ...(input.conflictResolution ? { resolution: input.conflictResolution } : {}),
  };
}

/** Checks a merge option (`MergeOptionRequiredException` / `InvalidMergeOptionException`). */
export function checkMergeOption(value: string | undefined): MergeOption {
  const option = required(value, "MergeOptionRequiredException", "mergeOption");
  if (!MERGE_OPTIONS.has(option)) {
    throw codecommitError(
      "InvalidMergeOptionException",
      `mergeOption ${JSON.stringify(option)} is not valid: use FAST_FORWARD_MERGE, SQUASH_MERGE or THREE_WAY_MERGE.`,
    );
  }
  return option as MergeOption;
}

/** Checks the identity and message of a merge commit. */
export function checkCommitDetails(input: {
  commitMessage?: string | undefined;
  authorName?: string | undefined;
  email?: string | undefined;
}): void {
  if (input.commitMessage !== undefined && Buffer.byteLength(input.commitMessage) > 100 * 1024) {
    throw codecommitError("CommitMessageLengthExceededException", "commitMessage is longer than 100 KB.");
  }
  if (input.authorName !== undefined && input.authorName.length > 1024) {
    throw codecommitError("NameLengthExceededException", "authorName is longer than 1,024 characters.");
  }
  if (input.authorName !== undefined && /[<>\n]/.test(input.authorName)) {
    throw codecommitError("NameLengthExceededException", "authorName cannot contain <, > or a line break.");
  }
  if (input.email !== undefined && !/^[^\s<>@]+@[^\s<>@]+$/.test(input.email)) {
    throw codecommitError(
      "InvalidEmailException",
      `email ${JSON.stringify(input.email)} is not an email address such as name@example.com.`,
    );
  }
}
