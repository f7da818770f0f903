import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { repositoryArn, type RepositoryRow } from "../repositories/rows.js";

export const COMMENT_ON_PULL_REQUEST = "CodeCommit Comment on Pull Request";

/** Emits a "CodeCommit Comment on Pull Request" event in `trx`. */
export async function emitCommentEvent(
  rt: CodeCommitRuntime,
  trx: Kysely<Database>,
  repo: RepositoryRow,
  comment: {
    event: "commentOnPullRequestCreated" | "commentOnPullRequestUpdated";
    commentId: string;
    pullRequestId: string;
    beforeCommitId: string;
    afterCommitId: string;
    callerUserArn: string;
    inReplyTo?: string;
  },
): Promise<void> {
  const { event, inReplyTo, ...rest } = comment;
  await rt.bus.emit(trx, {
    source: "aws.codecommit",
    detailType: COMMENT_ON_PULL_REQUEST,
    account: repo.account_id,
    region: repo.region,
    resources: [repositoryArn({ accountId: repo.account_id, region: repo.region }, repo.name)],
    detail: {
      ...rest,
      event,
      ...(inReplyTo !== undefined ? { inReplyTo } : {}),
      notificationBody:
        `A pull request event occurred in the following AWS CodeCommit repository: ${repo.name}. ` +
        `User: ${comment.callerUserArn}. Event: ${event === "commentOnPullRequestCreated" ? "Commented" : "Updated a comment"}. ` +
        `Pull request name: ${comment.pullRequestId}.`,
      repositoryId: repo.repository_id,
      repositoryName: repo.name,
    },
  });
}
