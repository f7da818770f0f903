import { createLogger, systemClock } from "../../core/index.js";
import { jsonService, type ServiceModule } from "../kit/index.js";
import {
  createBranch,
  deleteBranch,
  getBranch,
  listBranches,
  updateDefaultBranch,
} from "./branches/operations.js";
import { contentOperations } from "./content-operations.js";
import type { CodeCommitDeps, CodeCommitRuntime } from "./deps.js";
import { createGitAccess, type CodeCommitGit } from "./git-access.js";
import { pullRequestOperations, pullRequestSyncSubscription } from "./pull-request-operations.js";
import { recordRefChangesNow } from "./ref-changes.js";
import {
  batchGetRepositories,
  createRepository,
  deleteRepository,
  getRepository,
  listRepositories,
  updateRepositoryDescription,
  updateRepositoryName,
} from "./repositories/operations.js";
import { listTagsForResource, tagResource, untagResource } from "./repositories/operations-tags.js";
import { runTriggerJob, triggerSubscription, TRIGGER_JOB_KIND } from "./triggers/delivery.js";
import { triggerOperations } from "./triggers/operations.js";

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
        createRepository(rt),
        getRepository(rt),
        batchGetRepositories(rt),
        listRepositories(),
        deleteRepository(rt),
        updateRepositoryName(rt),
        updateRepositoryDescription(rt),
        updateDefaultBranch(rt),
        tagResource(),
        untagResource(),
        listTagsForResource(),
        createBranch(rt),
        getBranch(rt),
        listBranches(rt),
        deleteBranch(rt),
        ...triggerOperations(rt),
        ...contentOperations(rt),
        ...pullRequestOperations(rt),
      ],
    }),
    git: createGitAccess(rt),
    jobs: [{ kind: TRIGGER_JOB_KIND, pool: "background", handler: runTriggerJob }],
    subscriptions: [triggerSubscription(rt), pullRequestSyncSubscription(rt)],
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
