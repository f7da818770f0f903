import { formatArn } from "../../../../core/index.js";
import type { BusEvent } from "../../../../platform/bus/index.js";
import { changedPaths, EMPTY_TREE } from "../../../../platform/git/index.js";
import type { CodeCommitGit } from "../../../codecommit/index.js";
import type { EngineAction, EnginePipeline, PipelineScope } from "../pipeline-source.js";
import type { ExecutionRuntime } from "../runtime.js";
import { passes } from "./filters.js";
import { scopeOf, sourceActions, startForChange } from "./start-source.js";

/**
 * Change detection for CodeCommit pushes: a push to a repository starts every pipeline whose
 * source action watches it, carrying the pushed commit — as the EventBridge rule that AWS's console
 * sets up does, without the minute-long poll. A V2 pipeline's `triggers` on the source action
 * replace the plain branch match with their push filters (branches, tags, file paths), which AWS
 * offers only for connection sources.
 */

export const CODECOMMIT_SOURCE = "Source/AWS/CodeCommit/1";

/** What a push looks like in a "CodeCommit Repository State Change" event. */
export interface Push {
  repositoryName: string;
  referenceType: "branch" | "tag";
  referenceName: string;
  commitId: string;
  oldCommitId?: string;
}

export function pushOf(event: BusEvent): Push | undefined {
  if (event.source !== "aws.codecommit" || event["detail-type"] !== "CodeCommit Repository State Change") {
    return undefined;
  }
  const d = event.detail;
  if (d["event"] === "referenceDeleted") return undefined;
  const { repositoryName, referenceType, referenceName, commitId, oldCommitId } = d;
  if (
    typeof repositoryName !== "string" ||
    typeof referenceName !== "string" ||
    typeof commitId !== "string"
  ) {
    return undefined;
  }
  if (referenceType !== "branch" && referenceType !== "tag") return undefined;
  return {
    repositoryName,
    referenceType,
    referenceName,
    commitId,
    ...(typeof oldCommitId === "string" ? { oldCommitId } : {}),
  };
}

/** Whether a push starts the pipeline through this source action. */
export async function pushMatches(
  pipeline: EnginePipeline,
  action: EngineAction,
  push: Push,
  changedFiles: () => Promise<string[]>,
): Promise<boolean> {
  const triggers = (pipeline.triggers ?? []).filter(
    (t) => t.gitConfiguration.sourceActionName === action.name,
  );
  if (triggers.length === 0) {
    return push.referenceType === "branch" && push.referenceName === action.configuration?.["BranchName"];
  }
  for (const trigger of triggers) {
    for (const filter of trigger.gitConfiguration.push ?? []) {
      if (push.referenceType === "tag" ? !filter.tags : filter.tags || !filter.branches) continue;
      const ref = push.referenceType === "tag" ? filter.tags : filter.branches;
      if (!passes(ref, [push.referenceName])) continue;
      if (filter.filePaths && !passes(filter.filePaths, await changedFiles())) continue;
      return true;
    }
  }
  return false;
}

/** The files that differ between two commits of a repository (`from` absent: all files of `to`). */
export async function filesBetween(
  codecommit: CodeCommitGit | undefined,
  scope: PipelineScope,
  repositoryName: string,
  from: string | undefined,
  to: string,
): Promise<string[]> {
  const repo = await codecommit?.findRepository(scope, repositoryName);
  if (!repo) return [];
  const changes = await changedPaths(repo.gitDir, from ?? EMPTY_TREE, to);
  return [...changes.keys()];
}

/** The repository's ARN, the trigger detail of the executions its changes start. */
export function repositoryArnOf(scope: PipelineScope, repositoryName: string): string {
  return formatArn({
    service: "codecommit",
    region: scope.region,
    accountId: scope.accountId,
    resource: repositoryName,
  });
}

/** Bus subscriber: starts the pipelines a push concerns. */
export function createPushHandler(rt: ExecutionRuntime, codecommit: CodeCommitGit | undefined) {
  return async (event: BusEvent): Promise<void> => {
    const push = pushOf(event);
    if (!push) return;
    const scope = scopeOf(event);
    let changed: Promise<string[]> | undefined;
    const changedFiles = () =>
      (changed ??= filesBetween(codecommit, scope, push.repositoryName, push.oldCommitId, push.commitId));
    const pipelines = await rt.pipelines.current(rt.store.db, scope);
    for (const pipeline of pipelines) {
      const sources = sourceActions(
        pipeline,
        CODECOMMIT_SOURCE,
        (c) => c["RepositoryName"] === push.repositoryName,
      );
      for (const action of sources) {
        if (!(await pushMatches(pipeline, action, push, changedFiles))) continue;
        await startForChange(rt, event, pipeline, {
          trigger: {
            triggerType: pipeline.triggers?.length ? "WebhookV2" : "CloudWatchEvent",
            triggerDetail: repositoryArnOf(scope, push.repositoryName),
          },
          action,
          revisionType: "COMMIT_ID",
          revisionValue: push.commitId,
        });
        break;
      }
    }
  };
}
