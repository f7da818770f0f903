import type { Kysely } from "kysely";
import { listRefs, setHead } from "../../platform/git/index.js";
import type { Database } from "../../platform/store/index.js";
import { type OperationContext } from "../kit/index.js";
import type { CodeCommitRuntime } from "./deps.js";
import { gitDirOfRow, lockRepository, repositoryArn, type RepositoryRow } from "./repositories/rows.js";

/** One branch or tag that moved: created (no old), deleted (no new) or updated. */
export interface RefChange {
  ref: string;
  oldCommitId?: string;
  commitId?: string;
}

/** What an API call that moved a ref adds to its event (a merge names its commits and strategy). */
export type RefChangeExtra = (change: RefChange) => Record<string, unknown> | undefined;

/** What a recorder compares, and what it adds to each event. */
export interface RecordOptions {
  /**
   * The only refs that can have moved (full names), when the caller moved them itself: an API call
   * that updated one branch compares that branch, not every ref of the repository. A push compares all.
   */
  refs?: readonly string[];
  extra?: RefChangeExtra;
}

/** Who made a change, as the event's `callerUserArn`; absent when nobody knows (found at start-up). */
export interface ChangeActor {
  callerUserArn?: string;
}

export const REPOSITORY_STATE_CHANGE = "CodeCommit Repository State Change";

/**
 * Records every ref change of one repository since the server last looked, in `trx`: git's refs
 * are compared with `codecommit_refs`, each difference moves its row and becomes a "CodeCommit
 * Repository State Change" event (referenceCreated / referenceUpdated / referenceDeleted, as the
 * CodeCommit user guide's "Monitoring CodeCommit events" shows them) in the same transaction. So a
 * change is recorded exactly once whatever made it — a push over HTTP or SSH, an API call, a
 * merge — and one made just before a crash is found at the next start.
 *
 * The repository row is locked first, so two recorders of one repository run one after the other
 * and each sees what the other recorded. When the repository has no default branch yet, the first
 * branch that appears becomes it (as on AWS: the first branch pushed is the default).
 */
export async function recordRefChanges(
  rt: CodeCommitRuntime,
  trx: Kysely<Database>,
  repositoryId: string,
  actor: ChangeActor,
  options: RecordOptions = {},
): Promise<RefChange[]> {
  const repo = await lockRepository(trx, rt, repositoryId);
  if (!repo) return [];
  const gitDir = gitDirOfRow(rt, repo);
  const only = options.refs;
  const actual = new Map((await listRefs(gitDir, only ? { only } : {})).map((r) => [r.name, r.commitId]));
  let recorded = trx
    .selectFrom("codecommit_refs")
    .select(["ref_name", "commit_id"])
    .where("repository_id", "=", repositoryId);
  if (only) recorded = recorded.where("ref_name", "in", only);
  const known = new Map((await recorded.execute()).map((r) => [r.ref_name, r.commit_id]));
  const changes: RefChange[] = [];
  for (const [ref, commitId] of actual) {
    const old = known.get(ref);
    if (old === commitId) continue;
    changes.push({ ref, commitId, ...(old !== undefined ? { oldCommitId: old } : {}) });
  }
  for (const [ref, old] of known) if (!actual.has(ref)) changes.push({ ref, oldCommitId: old });
  if (changes.length === 0) return [];
  changes.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));

  for (const change of changes) {
    if (change.commitId === undefined) {
      await trx
        .deleteFrom("codecommit_refs")
        .where("repository_id", "=", repositoryId)
        .where("ref_name", "=", change.ref)
        .execute();
    } else if (change.oldCommitId === undefined) {
      await trx
        .insertInto("codecommit_refs")
        .values({ repository_id: repositoryId, ref_name: change.ref, commit_id: change.commitId })
        .execute();
    } else {
      await trx
        .updateTable("codecommit_refs")
        .set({ commit_id: change.commitId })
        .where("repository_id", "=", repositoryId)
        .where("ref_name", "=", change.ref)
        .execute();
    }
    await rt.bus.emit(trx, {
      source: "aws.codecommit",
      detailType: REPOSITORY_STATE_CHANGE,
      account: repo.account_id,
      region: repo.region,
      resources: [repositoryArn({ accountId: repo.account_id, region: repo.region }, repo.name)],
      detail: { ...stateChangeDetail(repo, change, actor), ...(options.extra?.(change) ?? {}) },
    });
  }

  const now = rt.clock.now();
  const defaultBranch = repo.default_branch ?? firstDefaultBranch(changes);
  if (defaultBranch !== undefined && repo.default_branch === null) await setHead(gitDir, defaultBranch);
  await trx
    .updateTable("codecommit_repositories")
    .set({ last_modified_at: now, default_branch: defaultBranch ?? null })
    .where("repository_id", "=", repositoryId)
    .execute();
  return changes;
}

/** Records ref changes in a transaction of its own (after a push), and wakes the event dispatcher. */
export async function recordRefChangesNow(
  rt: CodeCommitRuntime,
  repositoryId: string,
  actor: ChangeActor,
): Promise<RefChange[]> {
  return rt.store.transaction((trx) => recordRefChanges(rt, trx, repositoryId, actor));
}

function stateChangeDetail(
  repo: RepositoryRow,
  change: RefChange,
  actor: ChangeActor,
): Record<string, unknown> {
  const isTag = change.ref.startsWith("refs/tags/");
  const event =
    change.oldCommitId === undefined
      ? "referenceCreated"
      : change.commitId === undefined
        ? "referenceDeleted"
        : "referenceUpdated";
  return {
    ...(actor.callerUserArn !== undefined ? { callerUserArn: actor.callerUserArn } : {}),
    event,
    repositoryName: repo.name,
    repositoryId: repo.repository_id,
    referenceType: isTag ? "tag" : "branch",
    referenceName: change.ref.replace(/^refs\/(heads|tags)\//, ""),
    referenceFullName: change.ref,
    ...(change.commitId !== undefined ? { commitId: change.commitId } : {}),
    ...(change.oldCommitId !== undefined ? { oldCommitId: change.oldCommitId } : {}),
  };
}

/**
 * The branch that becomes the default of a repository that had none: the first branch pushed, as
 * on AWS. One push may create several at once; then `main`, else `master`, else the first by name.
 */
function firstDefaultBranch(changes: readonly RefChange[]): string | undefined {
  const created = changes
    .filter((c) => c.commitId !== undefined && c.ref.startsWith("refs/heads/"))
    .map((c) => c.ref.slice("refs/heads/".length));
  return created.find((b) => b === "main") ?? created.find((b) => b === "master") ?? created[0];
}

/** Who made a change, for the events it causes. */
export function actorOf(ctx: OperationContext): { callerUserArn: string } {
  return { callerUserArn: ctx.principal.arn };
}
