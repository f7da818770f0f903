import { z } from "zod";
import { mergeBase } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import { branchCommit } from "../branches/git.js";
import { checkClientRequestToken, checkRepositoryName } from "../checks.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { sha256Hex } from "../idempotency.js";
import { gitDirOfRow, repositoryArn, requireRepository } from "../repositories/rows.js";
import { checkDescription, checkReference, checkTitle } from "./checks.js";
import { recordPullRequestEvent } from "./events.js";
import { newRevisionId, nextPullRequestNumber, pullRequestShape } from "./rows.js";

const S = z.string().optional();

// Quotas ("Quotas in AWS CodeCommit"): at most 1,000 open pull requests per repository (titles and
// descriptions: see ./checks.ts).
const MAX_OPEN = 1000;

const Target = z.object({ repositoryName: S, sourceReference: S, destinationReference: S });

/** CreatePullRequest. */
export function createPullRequest(rt: CodeCommitRuntime) {
  return operation({
    name: "CreatePullRequest",
    input: z.object({ title: S, description: S, targets: z.array(Target).optional(), clientRequestToken: S }),
    resource: (input, ctx) => repositoryArn(ctx, input.targets?.[0]?.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const title = checkTitle(input.title);
      const description = checkDescription(input.description);
      const token = checkClientRequestToken(input.clientRequestToken);
      const targets = required(input.targets, "TargetsRequiredException", "targets");
      if (targets.length === 0) {
        throw codecommitError(
          "InvalidTargetsException",
          "targets must hold exactly one target: the repository, source branch and destination branch.",
        );
      }
      if (new Set(targets.map((t) => t.repositoryName)).size > 1) {
        throw codecommitError(
          "MultipleRepositoriesInPullRequestException",
          "targets name more than one repository; a pull request is within one repository.",
        );
      }
      if (targets.length > 1) {
        throw codecommitError(
          "InvalidTargetsException",
          `targets holds ${targets.length} targets; a pull request has exactly one.`,
        );
      }
      const target = targets[0]!;
      checkRepositoryName(target.repositoryName, "targets[0].repositoryName");
      const fingerprint = sha256Hex(JSON.stringify([title, description, target]));
      if (token !== undefined) {
        const existing = await ctx.trx
          .selectFrom("codecommit_pull_requests")
          .selectAll()
          .where("account_id", "=", ctx.accountId)
          .where("region", "=", ctx.region)
          .where("client_request_token", "=", token)
          .executeTakeFirst();
        if (existing) {
          // The same request again returns the same pull request; the token with other parameters is refused.
          if (existing.request_fingerprint !== fingerprint || existing.author_arn !== ctx.principal.arn) {
            throw codecommitError(
              "IdempotencyParameterMismatchException",
              `clientRequestToken ${token} was already used for pull request ${existing.pull_request_id} with other parameters.`,
            );
          }
          return { pullRequest: await pullRequestShape(ctx.trx, existing) };
        }
      }
      const repo = await requireRepository(ctx, target.repositoryName, "targets[0].repositoryName");
      const sourceRef = checkReference(target.sourceReference, "targets[0].sourceReference");
      if (target.destinationReference === undefined && repo.default_branch === null) {
        throw codecommitError(
          "ReferenceDoesNotExistException",
          `${repo.name} has no branches yet, so there is no default destination branch.`,
        );
      }
      const destinationRef = checkReference(
        target.destinationReference ?? repo.default_branch ?? "",
        "targets[0].destinationReference",
      );
      if (sourceRef === destinationRef) {
        throw codecommitError(
          "SourceAndDestinationAreSameException",
          `The source branch and destination branch are both ${destinationRef}; use different branches.`,
        );
      }
      const sourceCommit = await branchCommit(rt, repo, sourceRef.slice("refs/heads/".length));
      if (sourceCommit === undefined) {
        throw codecommitError(
          "ReferenceDoesNotExistException",
          `Source branch ${sourceRef} does not exist in ${repo.name}.`,
        );
      }
      const destinationCommit = await branchCommit(rt, repo, destinationRef.slice("refs/heads/".length));
      if (destinationCommit === undefined) {
        throw codecommitError(
          "ReferenceDoesNotExistException",
          `Destination branch ${destinationRef} does not exist in ${repo.name}.`,
        );
      }
      const open = await ctx.trx
        .selectFrom("codecommit_pull_requests")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("repository_id", "=", repo.repository_id)
        .where("status", "=", "OPEN")
        .executeTakeFirstOrThrow();
      if (Number(open.n) >= MAX_OPEN) {
        throw codecommitError(
          "MaximumOpenPullRequestsExceededException",
          `${repo.name} already has ${MAX_OPEN} open pull requests; close some first.`,
        );
      }
      const base = await mergeBase(gitDirOfRow(rt, repo), sourceCommit, destinationCommit);
      const number = await nextPullRequestNumber(ctx.trx, ctx.accountId, ctx.region);
      const now = rt.clock.now();
      const pr = await ctx.trx
        .insertInto("codecommit_pull_requests")
        .values({
          account_id: ctx.accountId,
          region: ctx.region,
          pull_request_id: String(number),
          number,
          repository_id: repo.repository_id,
          title,
          description,
          status: "OPEN",
          author_arn: ctx.principal.arn,
          client_request_token: token ?? null,
          request_fingerprint: token !== undefined ? fingerprint : null,
          revision_id: newRevisionId(),
          source_ref: sourceRef,
          destination_ref: destinationRef,
          source_commit: sourceCommit,
          destination_commit: destinationCommit,
          merge_base: base ?? null,
          is_merged: 0,
          merged_by: null,
          merge_commit_id: null,
          merge_option: null,
          created_at: now,
          last_activity_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordPullRequestEvent(rt, ctx.trx, repo, pr, {
        type: "PULL_REQUEST_CREATED",
        busEvent: "pullRequestCreated",
        actorArn: ctx.principal.arn,
        metadata: {
          repositoryName: repo.name,
          sourceCommitId: sourceCommit,
          destinationCommitId: destinationCommit,
          ...(base !== undefined ? { mergeBase: base } : {}),
        },
        summary: "Created",
      });
      return { pullRequest: await pullRequestShape(ctx.trx, pr) };
    },
  });
}
