// Layout of this service. One folder per AWS resource — repositories/, branches/, content/ (files,
// folders, blobs, commits, differences, CreateCommit/PutFile/DeleteFile), pull-requests/, comments/,
// approvals/ (approval rules, approval states, overrides), merges/ (merge analysis, options and
// conflicts, merging pull requests), triggers/ — each using the same file names:
//   operations.ts         the resource's AWS operations, one `export function <awsName>(rt)` each
//                         returning `operation({ name: "<AwsName>", … })`; split as
//                         operations-<topic>.ts only when one file would pass ~400 lines
//   rows.ts               reads and writes of the resource's tables, and rows in AWS's shapes;
//                         lookups that load a row or throw its `…DoesNotExistException`
//                         (`requireRepository`, `requirePullRequest`, `requireComment`)
//   checks.ts             input validators (`check*`, `require*`) of the resource's fields, and
//                         the input shapes they check
//   events.ts             the bus events the resource emits
//   git.ts                reads of the resource's git data
//   <domain>.ts           a named piece of domain logic (merges/analysis.ts, merges/merging.ts,
//                         approvals/rule-content.ts, approvals/state.ts, content/commit-writer.ts,
//                         content/specifiers.ts, pull-requests/sync.ts, triggers/delivery.ts)
// Top level, what every folder uses: service.ts (this: every operation is registered here, by
// name), index.ts (the public entry point), deps.ts, errors.ts, checks.ts (repository and branch
// names, commit ids, client request tokens), pagination.ts (tokens, maxResults), idempotency.ts
// (request fingerprints), git-access.ts (the git transports' view), ref-changes.ts (recording ref
// changes and their events).

import { createLogger, systemClock } from "../../core/index.js";
import { jsonService, type ServiceModule } from "../kit/index.js";
import {
  createPullRequestApprovalRule,
  deletePullRequestApprovalRule,
  evaluatePullRequestApprovalRules,
  getPullRequestApprovalStates,
  getPullRequestOverrideState,
  overridePullRequestApprovalRules,
  updatePullRequestApprovalRuleContent,
  updatePullRequestApprovalState,
} from "./approvals/operations.js";
import {
  createBranch,
  deleteBranch,
  getBranch,
  listBranches,
  updateDefaultBranch,
} from "./branches/operations.js";
import {
  deleteCommentContent,
  getComment,
  getCommentsForPullRequest,
  postCommentForPullRequest,
  postCommentReply,
  updateComment,
} from "./comments/operations.js";
import { batchGetCommits, getCommit } from "./content/operations-commits.js";
import { createCommit } from "./content/operations-create-commit.js";
import { getDifferences } from "./content/operations-differences.js";
import { deleteFile, putFile } from "./content/operations-file-changes.js";
import { getBlob, getFile, getFolder } from "./content/operations-files.js";
import type { CodeCommitDeps, CodeCommitRuntime } from "./deps.js";
import { createGitAccess, type CodeCommitGit } from "./git-access.js";
import {
  getMergeCommit,
  getMergeConflicts,
  getMergeOptions,
  mergePullRequestByFastForward,
  mergePullRequestBySquash,
  mergePullRequestByThreeWay,
} from "./merges/operations.js";
import { createPullRequest } from "./pull-requests/operations-create.js";
import {
  describePullRequestEvents,
  getPullRequest,
  listPullRequests,
  updatePullRequestDescription,
  updatePullRequestStatus,
  updatePullRequestTitle,
} from "./pull-requests/operations.js";
import { handledEventsPruner, pullRequestSyncSubscription } from "./pull-requests/sync.js";
import { recordRefChangesNow } from "./ref-changes.js";
import {
  batchGetRepositories,
  createRepository,
  deleteRepository,
  getRepository,
  listRepositories,
  listTagsForResource,
  tagResource,
  untagResource,
  updateRepositoryDescription,
  updateRepositoryName,
} from "./repositories/operations.js";
import { runTriggerJob, TRIGGER_JOB_KIND, triggerSubscription } from "./triggers/delivery.js";
import {
  getRepositoryTriggers,
  putRepositoryTriggers,
  testRepositoryTriggers,
} from "./triggers/operations.js";

/**
 * CodeCommit as a module: its API, the trigger-delivery jobs, its two subscribers (triggers, and
 * pull requests following their branches), start-up recovery of pushes not yet recorded — and the
 * git side the HTTP and SSH transports use.
 */
export interface CodeCommit extends ServiceModule {
  /** For the git transports (HTTP and SSH). */
  git: CodeCommitGit;
}

export function createCodeCommit(deps: CodeCommitDeps): CodeCommit {
  const rt: CodeCommitRuntime = {
    store: deps.store,
    bus: deps.bus,
    queue: deps.queue,
    dataDir: deps.dataDir,
    publicUrl: deps.publicUrl,
    sshUrl: deps.sshUrl ?? (() => undefined),
    triggerTargets: deps.triggerTargets,
    clock: deps.clock ?? systemClock,
    logger: deps.logger ?? createLogger({ level: "silent" }),
  };
  return {
    name: "codecommit",
    json: jsonService({
      targetPrefix: "CodeCommit_20150413",
      signingName: "codecommit",
      actionPrefix: "codecommit",
      validationErrorCode: "InvalidParameterException",
      operations: [
        // repositories
        createRepository(rt),
        getRepository(rt),
        batchGetRepositories(rt),
        listRepositories(rt),
        deleteRepository(rt),
        updateRepositoryName(rt),
        updateRepositoryDescription(rt),
        tagResource(rt),
        untagResource(rt),
        listTagsForResource(rt),
        // branches
        createBranch(rt),
        getBranch(rt),
        listBranches(rt),
        deleteBranch(rt),
        updateDefaultBranch(rt),
        // triggers
        putRepositoryTriggers(rt),
        getRepositoryTriggers(rt),
        testRepositoryTriggers(rt),
        // content
        getFile(rt),
        getBlob(rt),
        getFolder(rt),
        // content
        putFile(rt),
        deleteFile(rt),
        // content
        createCommit(rt),
        // content
        getCommit(rt),
        batchGetCommits(rt),
        // content
        getDifferences(rt),
        // pull-requests
        createPullRequest(rt),
        // pull-requests
        getPullRequest(rt),
        listPullRequests(rt),
        updatePullRequestStatus(rt),
        updatePullRequestTitle(rt),
        updatePullRequestDescription(rt),
        describePullRequestEvents(rt),
        // comments
        postCommentForPullRequest(rt),
        postCommentReply(rt),
        getComment(rt),
        updateComment(rt),
        deleteCommentContent(rt),
        getCommentsForPullRequest(rt),
        // approvals
        createPullRequestApprovalRule(rt),
        updatePullRequestApprovalRuleContent(rt),
        deletePullRequestApprovalRule(rt),
        updatePullRequestApprovalState(rt),
        getPullRequestApprovalStates(rt),
        evaluatePullRequestApprovalRules(rt),
        overridePullRequestApprovalRules(rt),
        getPullRequestOverrideState(rt),
        // merges
        getMergeConflicts(rt),
        getMergeOptions(rt),
        getMergeCommit(rt),
        mergePullRequestByFastForward(rt),
        mergePullRequestBySquash(rt),
        mergePullRequestByThreeWay(rt),
      ],
    }),
    git: createGitAccess(rt),
    jobs: [{ kind: TRIGGER_JOB_KIND, pool: "background", handler: runTriggerJob }],
    subscriptions: [triggerSubscription(rt), pullRequestSyncSubscription(rt)],
    retention: [handledEventsPruner(rt.store)],
    // Pushes a previous process took but did not record become events now.
    async recover() {
      const rows = await rt.store.db.selectFrom("codecommit_repositories").select("repository_id").execute();
      for (const row of rows) {
        try {
          await recordRefChangesNow(rt, row.repository_id, {});
        } catch (err) {
          rt.logger.warn(
            { err, repositoryId: row.repository_id },
            "could not check a repository's refs at start-up",
          );
        }
      }
    },
  };
}
