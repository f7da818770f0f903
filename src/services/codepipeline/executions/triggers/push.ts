import { formatArn } from "../../../core/index.js";
import type { BusEvent } from "../../../platform/bus/index.js";
import { changedPaths, EMPTY_TREE } from "../../../platform/git/index.js";
import type { CodeCommitGit } from "../../codecommit/index.js";
import {
  actionTypeKey,
  type EngineAction,
  type EnginePipeline,
  type FilterCriteria,
} from "./pipeline-source.js";
import type { ExecutionRuntime } from "./runtime.js";
import { startExecution } from "./start.js";

/**
 * Change detection for CodeCommit sources: a push to a repository starts every pipeline whose
 * source action watches it, carrying the pushed commit — as the EventBridge rule that AWS's console
 * sets up does, without the minute-long poll. A V2 pipeline's `triggers` on the source action
 * replace the plain branch match with their push filters (branches, tags, file paths), which AWS
 * offers only for connection sources.
 */

/** What a push looks like in a "CodeCommit Repository State Change" event. */
interface Push {
  repositoryName: string;
  referenceType: "branch" | "tag";
  referenceName: string;
  commitId: string;
  oldCommitId?: string;
}

function pushOf(event: BusEvent): Push | undefined {
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

/**
 * A trigger filter glob, as CodePipeline's user guide describes them: `*` matches any characters
 * but `/`, `**` any characters (also across `/`), `?` one character; `{a,b}` either.
 */
export function filterGlobMatches(pattern: string, value: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{") re += "(?:";
    else if (c === "}") re += ")";
    else if (c === ",") re += "|";
    else re += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  try {
    return new RegExp(`^${re}$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** Whether `values` pass a criterion: some value not excluded is included (or there are no includes). */
function passes(criteria: FilterCriteria | undefined, values: readonly string[]): boolean {
  if (!criteria) return true;
  const kept = values.filter((v) => !(criteria.excludes ?? []).some((p) => filterGlobMatches(p, v)));
  const includes = criteria.includes ?? [];
  return includes.length ? kept.some((v) => includes.some((p) => filterGlobMatches(p, v))) : kept.length > 0;
}

/** Whether a push starts the pipeline through this source action. */
async function pushMatches(
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

/** The files a push changed (all files of a new branch's commit). */
async function filesChanged(
  codecommit: CodeCommitGit | undefined,
  scope: { accountId: string; region: string },
  push: Push,
): Promise<string[]> {
  const repo = await codecommit?.findRepository(scope, push.repositoryName);
  if (!repo) return [];
  const changes = await changedPaths(repo.gitDir, push.oldCommitId ?? EMPTY_TREE, push.commitId);
  return [...changes.keys()];
}

/** Bus subscriber: starts the pipelines a push concerns. */
export function createPushHandler(rt: ExecutionRuntime, codecommit: CodeCommitGit | undefined) {
  return async (event: BusEvent): Promise<void> => {
    const push = pushOf(event);
    if (!push) return;
    const scope = { accountId: event.account, region: event.region };
    let changed: Promise<string[]> | undefined;
    const changedFiles = () => (changed ??= filesChanged(codecommit, scope, push));
    const pipelines = await rt.pipelines.current(rt.store.db, scope);
    for (const pipeline of pipelines) {
      const sources = (pipeline.stages[0]?.actions ?? []).filter(
        (a) =>
          actionTypeKey(a) === "Source/AWS/CodeCommit/1" &&
          a.configuration?.["RepositoryName"] === push.repositoryName,
      );
      for (const action of sources) {
        if (!(await pushMatches(pipeline, action, push, changedFiles))) continue;
        await rt.store.transaction((trx) =>
          startExecution(rt, trx, scope, pipeline.name, {
            trigger: {
              triggerType: pipeline.triggers?.length ? "WebhookV2" : "CloudWatchEvent",
              triggerDetail: formatArn({
                service: "codecommit",
                region: scope.region,
                accountId: scope.accountId,
                resource: push.repositoryName,
              }),
            },
            sourceRevisions: [
              { actionName: action.name, revisionType: "COMMIT_ID", revisionValue: push.commitId },
            ],
            clientToken: `event/${event.id}`,
          }),
        );
        break;
      }
    }
  };
}
