import { z } from "zod";
import { gitText, mergeBase } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import { resolveSpecifier } from "../content/specifiers.js";
import type { CodeCommitRuntime } from "../deps.js";
import { checkMaxResults, page } from "../pagination.js";
import { gitDirOfRow, repositoryArn, requireRepository, type RepositoryRow } from "../repositories/rows.js";
import { analyzeMerge, conflictMetadata } from "./analysis.js";
import { checkMergeOption, checkMergeSettings } from "./checks.js";
import { FastForwardInput, MergeInput, mergePullRequest } from "./merging.js";

const S = z.string().optional();

/** The input GetMergeOptions and GetMergeCommit share: two commits and how conflicts would be read. */
const TwoCommitsInput = z.object({
  repositoryName: S,
  sourceCommitSpecifier: S,
  destinationCommitSpecifier: S,
  conflictDetailLevel: S,
  conflictResolutionStrategy: S,
});

/**
 * GetMergeConflicts and GetMergeOptions: what merging two commits would do, without doing it; and
 * GetMergeCommit: their merge base, and the merge commit once merged.
 */

export function getMergeConflicts(rt: CodeCommitRuntime) {
  return operation({
    name: "GetMergeConflicts",
    input: z.object({
      repositoryName: S,
      destinationCommitSpecifier: S,
      sourceCommitSpecifier: S,
      mergeOption: S,
      conflictDetailLevel: S,
      maxConflictFiles: z.number().optional(),
      conflictResolutionStrategy: S,
      nextToken: S,
    }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const option = checkMergeOption(input.mergeOption);
      const settings = checkMergeSettings(input);
      const max = checkMaxResults(input.maxConflictFiles, 100, 100);
      const gitDir = gitDirOfRow(rt, repo);
      const { source, destination } = await resolveBoth(gitDir, repo, input);
      const analysis = await analyzeMerge(gitDir, source, destination, settings);
      const head = {
        destinationCommitId: destination,
        sourceCommitId: source,
        ...(analysis.baseCommitId !== undefined ? { baseCommitId: analysis.baseCommitId } : {}),
      };
      // A fast-forward has no conflicts to list: it is possible or it is not.
      if (option === "FAST_FORWARD_MERGE") {
        return { mergeable: analysis.fastForward, ...head, conflictMetadataList: [] };
      }
      const listing = `conflicts:${repo.repository_id}:${source}:${destination}:${settings.detail}:${settings.strategy}`;
      const { items, nextToken } = page(listing, analysis.conflicts, input.nextToken, max);
      const conflictMetadataList = [];
      for (const c of items) conflictMetadataList.push(await conflictMetadata(gitDir, analysis, c));
      return {
        mergeable: analysis.conflicts.length === 0,
        ...head,
        conflictMetadataList,
        ...(nextToken !== undefined ? { nextToken } : {}),
      };
    },
  });
}

export function getMergeOptions(rt: CodeCommitRuntime) {
  return operation({
    name: "GetMergeOptions",
    input: TwoCommitsInput,
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const settings = checkMergeSettings(input);
      const gitDir = gitDirOfRow(rt, repo);
      const { source, destination } = await resolveBoth(gitDir, repo, input);
      const analysis = await analyzeMerge(gitDir, source, destination, settings);
      const mergeOptions: string[] = [];
      if (analysis.fastForward) mergeOptions.push("FAST_FORWARD_MERGE");
      if (analysis.conflicts.length === 0) mergeOptions.push("SQUASH_MERGE", "THREE_WAY_MERGE");
      return {
        mergeOptions,
        sourceCommitId: source,
        destinationCommitId: destination,
        baseCommitId: analysis.baseCommitId ?? "",
      };
    },
  });
}

export function getMergeCommit(rt: CodeCommitRuntime) {
  return operation({
    name: "GetMergeCommit",
    input: TwoCommitsInput,
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    // AWS: the merge base of the two commits and, once the source has been merged into the
    // destination, the merge commit that did it (none when the merge was a fast-forward).
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      checkMergeSettings(input);
      const gitDir = gitDirOfRow(rt, repo);
      const { source, destination } = await resolveBoth(gitDir, repo, input);
      const base = await mergeBase(gitDir, source, destination);
      const merged = base === source ? await mergeCommitOf(gitDir, source, destination) : undefined;
      return {
        sourceCommitId: source,
        destinationCommitId: destination,
        ...(base !== undefined ? { baseCommitId: base } : {}),
        ...(merged !== undefined ? { mergedCommitId: merged } : {}),
      };
    },
  });
}

/**
 * The commit on `destination`'s first-parent line that merged `source` into it: the oldest commit of
 * that line descending from `source`, when it has `source` as a parent other than its first.
 */
async function mergeCommitOf(
  gitDir: string,
  source: string,
  destination: string,
): Promise<string | undefined> {
  if (source === destination) return undefined;
  const line = await gitText(["rev-list", "--first-parent", "--ancestry-path", `${source}..${destination}`], {
    gitDir,
  });
  const oldest = line.split("\n").filter(Boolean).at(-1);
  if (!oldest) return undefined;
  const [, ...others] = (await gitText(["rev-parse", `${oldest}^@`], { gitDir })).split("\n");
  return others.includes(source) ? oldest : undefined;
}

/** The commits a merge query's `sourceCommitSpecifier` and `destinationCommitSpecifier` name. */
async function resolveBoth(
  gitDir: string,
  repo: RepositoryRow,
  input: { sourceCommitSpecifier?: string | undefined; destinationCommitSpecifier?: string | undefined },
): Promise<{ source: string; destination: string }> {
  return {
    source: await resolveSpecifier(gitDir, repo, input.sourceCommitSpecifier, {
      field: "sourceCommitSpecifier",
      whenAbsent: "required",
      invalidCode: "InvalidSourceCommitSpecifierException",
    }),
    destination: await resolveSpecifier(gitDir, repo, input.destinationCommitSpecifier, {
      field: "destinationCommitSpecifier",
      whenAbsent: "required",
      invalidCode: "InvalidDestinationCommitSpecifierException",
    }),
  };
}

export function mergePullRequestByFastForward(rt: CodeCommitRuntime) {
  return operation({
    name: "MergePullRequestByFastForward",
    input: FastForwardInput,
    handler: (input, ctx) => mergePullRequest(rt, ctx, input, "FAST_FORWARD_MERGE"),
  });
}

export function mergePullRequestBySquash(rt: CodeCommitRuntime) {
  return operation({
    name: "MergePullRequestBySquash",
    input: MergeInput,
    handler: (input, ctx) => mergePullRequest(rt, ctx, input, "SQUASH_MERGE"),
  });
}

export function mergePullRequestByThreeWay(rt: CodeCommitRuntime) {
  return operation({
    name: "MergePullRequestByThreeWay",
    input: MergeInput,
    handler: (input, ctx) => mergePullRequest(rt, ctx, input, "THREE_WAY_MERGE"),
  });
}
