import type { Kysely, Selectable } from "kysely";
import { randomBytes } from "node:crypto";
import type { Database } from "../../../platform/store/index.js";
import { type OperationContext } from "../../kit/index.js";
import { approvalRuleShape, approvalRulesOf } from "../approvals/rows.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError } from "../errors.js";
import { lockRepository, type RepositoryRow } from "../repositories/rows.js";
import { checkPullRequestId } from "./checks.js";

/** A stored pull request. */
export type PullRequestRow = Selectable<Database["codecommit_pull_requests"]>;

/** A pull request's key: AWS numbers pull requests per account and region. */
export interface PullRequestKey {
  account_id: string;
  region: string;
  pull_request_id: string;
}

/**
 * The pull request an operation names, or `PullRequestDoesNotExistException`. With `lock`, its
 * repository row and then its own row are locked for the rest of the transaction (PostgreSQL), in
 * that order: the order the ref subscriber and ref recording take them in too, so no two
 * transactions wait on each other.
 */
export async function requirePullRequest(
  ctx: OperationContext,
  value: string | undefined,
  options: { lock?: boolean; rt?: Pick<CodeCommitRuntime, "store"> } = {},
): Promise<PullRequestRow> {
  const id = checkPullRequestId(value);
  const select = () =>
    ctx.trx
      .selectFrom("codecommit_pull_requests")
      .selectAll()
      .where("account_id", "=", ctx.accountId)
      .where("region", "=", ctx.region)
      .where("pull_request_id", "=", id);
  let row = await select().executeTakeFirst();
  if (row && options.lock && options.rt?.store.dialect === "postgres") {
    await lockRepository(ctx.trx, options.rt, row.repository_id);
    row = await select().forUpdate().executeTakeFirst();
  }
  if (!row) throw codecommitError("PullRequestDoesNotExistException", `Pull request ${id} does not exist.`);
  return row;
}

/** The repository of a pull request, locked (so ref changes and merges of it run one at a time). */
export async function repositoryOfPullRequest(
  rt: CodeCommitRuntime,
  trx: Kysely<Database>,
  pr: PullRequestRow,
): Promise<RepositoryRow> {
  const repo = await lockRepository(trx, rt, pr.repository_id);
  if (!repo)
    throw codecommitError(
      "PullRequestDoesNotExistException",
      `Pull request ${pr.pull_request_id} does not exist.`,
    );
  return repo;
}

/** A fresh revision id: 64 hex characters, as AWS's look. */
export function newRevisionId(): string {
  return randomBytes(32).toString("hex");
}

/** The next pull request number of an account and region (AWS numbers them there, from 1). */
export async function nextPullRequestNumber(
  trx: Kysely<Database>,
  accountId: string,
  region: string,
): Promise<number> {
  await trx
    .insertInto("codecommit_pull_request_counters")
    .values({ account_id: accountId, region, last_id: 0 })
    .onConflict((oc) => oc.columns(["account_id", "region"]).doNothing())
    .execute();
  const row = await trx
    .updateTable("codecommit_pull_request_counters")
    .set((eb) => ({ last_id: eb("last_id", "+", 1) }))
    .where("account_id", "=", accountId)
    .where("region", "=", region)
    .returning("last_id")
    .executeTakeFirstOrThrow();
  return Number(row.last_id);
}

/** `PullRequest` as AWS returns it. */
export async function pullRequestShape(trx: Kysely<Database>, pr: PullRequestRow) {
  const repo = await trx
    .selectFrom("codecommit_repositories")
    .select("name")
    .where("repository_id", "=", pr.repository_id)
    .executeTakeFirst();
  const rules = await approvalRulesOf(trx, pr);
  return {
    pullRequestId: pr.pull_request_id,
    title: pr.title,
    ...(pr.description !== null ? { description: pr.description } : {}),
    lastActivityDate: new Date(Number(pr.last_activity_at)),
    creationDate: new Date(Number(pr.created_at)),
    pullRequestStatus: pr.status,
    authorArn: pr.author_arn,
    pullRequestTargets: [
      {
        repositoryName: repo?.name ?? "",
        sourceReference: pr.source_ref,
        destinationReference: pr.destination_ref,
        destinationCommit: pr.destination_commit,
        sourceCommit: pr.source_commit,
        ...(pr.merge_base !== null ? { mergeBase: pr.merge_base } : {}),
        mergeMetadata: mergeMetadataOf(pr),
      },
    ],
    ...(pr.client_request_token !== null ? { clientRequestToken: pr.client_request_token } : {}),
    revisionId: pr.revision_id,
    approvalRules: rules.map(approvalRuleShape),
  };
}

/** `MergeMetadata`: `isMerged` always, the rest once merged. */
export function mergeMetadataOf(pr: PullRequestRow) {
  return {
    isMerged: pr.is_merged === 1,
    ...(pr.merged_by !== null ? { mergedBy: pr.merged_by } : {}),
    ...(pr.merge_commit_id !== null ? { mergeCommitId: pr.merge_commit_id } : {}),
    ...(pr.merge_option !== null ? { mergeOption: pr.merge_option } : {}),
  };
}

/** Updates a pull request row in `trx` and returns it as it is now. */
export async function updatePullRequest(
  trx: Kysely<Database>,
  pr: PullRequestKey,
  changes: Partial<Omit<PullRequestRow, "account_id" | "region" | "pull_request_id">>,
): Promise<PullRequestRow> {
  return trx
    .updateTable("codecommit_pull_requests")
    .set(changes)
    .where("account_id", "=", pr.account_id)
    .where("region", "=", pr.region)
    .where("pull_request_id", "=", pr.pull_request_id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
