import type { BusEvent } from "../../../../platform/bus/index.js";
import type { CodeCommitGit } from "../../../codecommit/index.js";
import type { EngineAction, EnginePipeline } from "../pipeline-source.js";
import type { ExecutionRuntime } from "../runtime.js";
import { passes } from "./filters.js";
import { CODECOMMIT_SOURCE, filesBetween, repositoryArnOf } from "./push.js";
import { scopeOf, sourceActions, startForChange } from "./start-source.js";

/**
 * V2 pull request triggers on this server's CodeCommit repositories. AWS offers them for
 * connection sources; CodeCommit's own pull request events carry all they need, so they work here
 * the same way: a trigger's `pullRequest` filters name the events (OPEN, UPDATED, CLOSED; all
 * three when `events` is left out), the destination branches (`branches`) and the files the pull
 * request changes (`filePaths`). As the user guide describes pull request triggers, the execution
 * runs the pull request's source commit: the source action fetches that commit although its
 * BranchName is the destination branch.
 */

/** Pull request trigger events, as `GitPullRequestFilter.events` names them. */
export type PullRequestTriggerEvent = "OPEN" | "UPDATED" | "CLOSED";

/** What a "CodeCommit Pull Request State Change" event says, as far as triggers care. */
export interface PullRequestChange {
  event: PullRequestTriggerEvent;
  pullRequestId: string;
  repositoryName: string;
  /** Branch name, without `refs/heads/`. */
  destinationBranch: string;
  sourceCommit: string;
  destinationCommit: string;
  mergeBase?: string;
}

/**
 * The trigger event of a CodeCommit pull request event: created → OPEN; new commits on the source
 * branch → UPDATED; closed, by UpdatePullRequestStatus or by a merge → CLOSED. Approval, title and
 * description changes start nothing, as connection sources' new-revision rule has it.
 */
export function triggerEventOf(detail: Record<string, unknown>): PullRequestTriggerEvent | undefined {
  switch (detail["event"]) {
    case "pullRequestCreated":
      return "OPEN";
    case "pullRequestSourceBranchUpdated":
      return "UPDATED";
    case "pullRequestStatusChanged":
      return detail["pullRequestStatus"] === "Closed" ? "CLOSED" : undefined;
    case "pullRequestMergeStatusUpdated":
      return detail["isMerged"] === "True" ? "CLOSED" : undefined;
    default:
      return undefined;
  }
}

export function pullRequestChangeOf(event: BusEvent): PullRequestChange | undefined {
  if (event.source !== "aws.codecommit" || event["detail-type"] !== "CodeCommit Pull Request State Change") {
    return undefined;
  }
  const d = event.detail;
  const trigger = triggerEventOf(d);
  const names = d["repositoryNames"];
  const repositoryName = Array.isArray(names) ? names[0] : undefined;
  const { pullRequestId, destinationReference, sourceCommit, destinationCommit, mergeBase } = d;
  if (
    trigger === undefined ||
    typeof repositoryName !== "string" ||
    typeof pullRequestId !== "string" ||
    typeof destinationReference !== "string" ||
    typeof sourceCommit !== "string" ||
    typeof destinationCommit !== "string"
  ) {
    return undefined;
  }
  return {
    event: trigger,
    pullRequestId,
    repositoryName,
    destinationBranch: destinationReference.replace(/^refs\/heads\//, ""),
    sourceCommit,
    destinationCommit,
    ...(typeof mergeBase === "string" ? { mergeBase } : {}),
  };
}

/** Whether the pull request change starts the pipeline through this source action's trigger. */
export async function pullRequestMatches(
  pipeline: EnginePipeline,
  action: EngineAction,
  change: PullRequestChange,
  changedFiles: () => Promise<string[]>,
): Promise<boolean> {
  for (const trigger of pipeline.triggers ?? []) {
    if (trigger.gitConfiguration.sourceActionName !== action.name) continue;
    for (const filter of trigger.gitConfiguration.pullRequest ?? []) {
      const events = filter.events ?? ["OPEN", "UPDATED", "CLOSED"];
      if (!events.includes(change.event)) continue;
      if (!passes(filter.branches, [change.destinationBranch])) continue;
      if (filter.filePaths && !passes(filter.filePaths, await changedFiles())) continue;
      return true;
    }
  }
  return false;
}

/** Bus subscriber: starts the pipelines whose pull request triggers a pull request change passes. */
export function createPullRequestHandler(rt: ExecutionRuntime, codecommit: CodeCommitGit | undefined) {
  return async (event: BusEvent): Promise<void> => {
    const change = pullRequestChangeOf(event);
    if (!change) return;
    const scope = scopeOf(event);
    // The files the pull request changes: from where its branches diverged to its source commit.
    let changed: Promise<string[]> | undefined;
    const changedFiles = () =>
      (changed ??= filesBetween(
        codecommit,
        scope,
        change.repositoryName,
        change.mergeBase ?? change.destinationCommit,
        change.sourceCommit,
      ));
    const pipelines = await rt.pipelines.current(rt.store.db, scope);
    for (const pipeline of pipelines) {
      if (!pipeline.triggers?.some((t) => t.gitConfiguration.pullRequest?.length)) continue;
      const sources = sourceActions(
        pipeline,
        CODECOMMIT_SOURCE,
        (c) => c["RepositoryName"] === change.repositoryName,
      );
      for (const action of sources) {
        if (!(await pullRequestMatches(pipeline, action, change, changedFiles))) continue;
        await startForChange(rt, event, pipeline, {
          trigger: { triggerType: "WebhookV2", triggerDetail: repositoryArnOf(scope, change.repositoryName) },
          action,
          revisionType: "COMMIT_ID",
          revisionValue: change.sourceCommit,
        });
        break;
      }
    }
  };
}
