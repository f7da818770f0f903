import { createLogger, systemClock } from "../../core/index.js";
import type { JobHandler } from "../../platform/queue/index.js";
import { jsonService, type JsonService } from "../kit/index.js";
import { createBranch, deleteBranch, getBranch, listBranches, updateDefaultBranch } from "./branches.js";
import { contentOperations } from "./content-operations.js";
import type { CodeCommitDeps, CodeCommitRuntime } from "./deps.js";
import { createGitAccess, type CodeCommitGit } from "./git-access.js";
import { pullRequestOperations, subscribePullRequestSync } from "./pull-request-operations.js";
import { recordRefChangesNow } from "./ref-changes.js";
import {
  batchGetRepositories,
  createRepository,
  deleteRepository,
  getRepository,
  listRepositories,
  updateRepositoryDescription,
  updateRepositoryName,
} from "./repositories.js";
import { listTagsForResource, tagResource, untagResource } from "./tags.js";
import { runTriggerJob, subscribeTriggers, TRIGGER_JOB_KIND } from "./trigger-delivery.js";
import { triggerOperations } from "./triggers.js";

/** CodeCommit as the server wires it. */
export interface CodeCommit {
  /** The API over AWS JSON 1.1 (`X-Amz-Target: CodeCommit_20150413.<Operation>`). */
  service: JsonService;
  /** For the git transports (HTTP and SSH). */
  git: CodeCommitGit;
  /**
   * Records ref changes that happened while the server was not watching (a crash between a push
   * and its record). Call once at start-up, before serving.
   */
  recoverRefs(): Promise<void>;
  /** Queue job handlers CodeCommit needs a worker for (trigger deliveries), by kind. */
  jobHandlers: Readonly<Record<string, JobHandler>>;
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
  subscribeTriggers(rt);
  subscribePullRequestSync(rt);
  return {
    service: jsonService({
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
    jobHandlers: { [TRIGGER_JOB_KIND]: runTriggerJob },
    async recoverRefs() {
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
