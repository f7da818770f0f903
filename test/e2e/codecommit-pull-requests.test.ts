import {
  CodeCommitClient,
  CreatePullRequestApprovalRuleCommand,
  CreatePullRequestCommand,
  DeleteCommentContentCommand,
  DeletePullRequestApprovalRuleCommand,
  DescribePullRequestEventsCommand,
  EvaluatePullRequestApprovalRulesCommand,
  GetCommentsForPullRequestCommand,
  GetPullRequestApprovalStatesCommand,
  GetPullRequestCommand,
  GetPullRequestOverrideStateCommand,
  ListPullRequestsCommand,
  OverridePullRequestApprovalRulesCommand,
  PostCommentForPullRequestCommand,
  PostCommentReplyCommand,
  UpdateCommentCommand,
  UpdatePullRequestApprovalRuleContentCommand,
  UpdatePullRequestApprovalStateCommand,
  UpdatePullRequestDescriptionCommand,
  UpdatePullRequestStatusCommand,
  UpdatePullRequestTitleCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "../../src/platform/bus/index.js";
import { addTestPrincipal, type TestPrincipal } from "../support/principals.js";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";
import { collectEvents, repositoryWithMain, type WorkTree } from "./codecommit-pr-support.js";

const ROOT = "arn:aws:iam::000000000000:root";

describe.each(dialects())("CodeCommit pull requests on %s", (dialect) => {
  let server: TestServer;
  let cc: CodeCommitClient;
  let reviewer: TestPrincipal;
  let asReviewer: CodeCommitClient;
  let work: WorkTree;
  let events: BusEvent[];
  let mainCommit: string;
  let featureCommit: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    events = collectEvents(server, "test.pull-requests");
    cc = new CodeCommitClient(server.clientConfig);
    reviewer = await addTestPrincipal(server, "reviewer");
    asReviewer = new CodeCommitClient(reviewer.clientConfig);
    work = await repositoryWithMain(server, cc, "app", { "README.md": "one\ntwo\nthree\n" });
    mainCommit = work.git("rev-parse", "HEAD");
    work.checkout("feature", "main");
    featureCommit = work.commit({ "README.md": "one\nTWO\nthree\n", "src/a.txt": "a\n" }, "feature work");
    await work.push("feature");
  });
  afterAll(async () => {
    cc?.destroy();
    asReviewer?.destroy();
    work?.remove();
    await server?.stop();
  });

  it("creates pull requests with account-wide ids, checks targets and honours request tokens", async () => {
    const created = await cc.send(
      new CreatePullRequestCommand({
        title: "Feature",
        description: "does things",
        targets: [{ repositoryName: "app", sourceReference: "feature" }],
        clientRequestToken: "token-1",
      }),
    );
    const pr = created.pullRequest!;
    expect(pr).toMatchObject({
      pullRequestId: "1",
      title: "Feature",
      description: "does things",
      pullRequestStatus: "OPEN",
      authorArn: ROOT,
      clientRequestToken: "token-1",
      approvalRules: [],
      pullRequestTargets: [
        {
          repositoryName: "app",
          sourceReference: "refs/heads/feature",
          destinationReference: "refs/heads/main",
          sourceCommit: featureCommit,
          destinationCommit: mainCommit,
          mergeBase: mainCommit,
          mergeMetadata: { isMerged: false },
        },
      ],
    });
    expect(pr.revisionId).toMatch(/^[0-9a-f]{64}$/);
    expect(pr.creationDate).toBeInstanceOf(Date);

    // The same token and request: the same pull request; the token with another request: refused.
    const again = await cc.send(
      new CreatePullRequestCommand({
        title: "Feature",
        description: "does things",
        targets: [{ repositoryName: "app", sourceReference: "feature" }],
        clientRequestToken: "token-1",
      }),
    );
    expect(again.pullRequest?.pullRequestId).toBe("1");
    await expect(
      cc.send(
        new CreatePullRequestCommand({
          title: "Other",
          targets: [{ repositoryName: "app", sourceReference: "feature" }],
          clientRequestToken: "token-1",
        }),
      ),
    ).rejects.toMatchObject({ name: "IdempotencyParameterMismatchException" });

    const second = await cc.send(
      new CreatePullRequestCommand({
        title: "Second",
        targets: [
          { repositoryName: "app", sourceReference: "refs/heads/feature", destinationReference: "main" },
        ],
      }),
    );
    expect(second.pullRequest?.pullRequestId).toBe("2");

    const bad: [Record<string, string>, string][] = [
      [{ repositoryName: "app", sourceReference: "main" }, "SourceAndDestinationAreSameException"],
      [{ repositoryName: "app", sourceReference: "nope" }, "ReferenceDoesNotExistException"],
      [{ repositoryName: "app", sourceReference: "refs/tags/v1" }, "ReferenceTypeNotSupportedException"],
      [{ repositoryName: "app", sourceReference: "bad..name" }, "InvalidReferenceNameException"],
      [{ repositoryName: "missing", sourceReference: "feature" }, "RepositoryDoesNotExistException"],
    ];
    for (const [target, code] of bad) {
      await expect(
        cc.send(new CreatePullRequestCommand({ title: "x", targets: [target as never] })),
      ).rejects.toMatchObject({ name: code });
    }
    await expect(
      cc.send(
        new CreatePullRequestCommand({
          title: "x".repeat(151),
          targets: [{ repositoryName: "app", sourceReference: "feature" }],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidTitleException" });
  });

  it("lists, filters and pages pull requests, and updates title, description and status", async () => {
    const all = await cc.send(new ListPullRequestsCommand({ repositoryName: "app" }));
    expect(all.pullRequestIds).toEqual(["2", "1"]);
    const first = await cc.send(new ListPullRequestsCommand({ repositoryName: "app", maxResults: 1 }));
    expect(first.pullRequestIds).toEqual(["2"]);
    const rest = await cc.send(
      new ListPullRequestsCommand({ repositoryName: "app", maxResults: 1, nextToken: first.nextToken }),
    );
    expect(rest.pullRequestIds).toEqual(["1"]);
    expect(rest.nextToken).toBeUndefined();
    expect(
      (await cc.send(new ListPullRequestsCommand({ repositoryName: "app", authorArn: reviewer.arn })))
        .pullRequestIds,
    ).toEqual([]);
    await expect(
      cc.send(
        new ListPullRequestsCommand({
          repositoryName: "app",
          authorArn: "arn:aws:iam::000000000000:user/ghost",
        }),
      ),
    ).rejects.toMatchObject({ name: "AuthorDoesNotExistException" });

    const titled = await cc.send(new UpdatePullRequestTitleCommand({ pullRequestId: "2", title: "Renamed" }));
    expect(titled.pullRequest?.title).toBe("Renamed");
    const described = await cc.send(
      new UpdatePullRequestDescriptionCommand({ pullRequestId: "2", description: "new text" }),
    );
    expect(described.pullRequest?.description).toBe("new text");
    const closed = await cc.send(
      new UpdatePullRequestStatusCommand({ pullRequestId: "2", pullRequestStatus: "CLOSED" }),
    );
    expect(closed.pullRequest?.pullRequestStatus).toBe("CLOSED");
    await expect(
      cc.send(new UpdatePullRequestStatusCommand({ pullRequestId: "2", pullRequestStatus: "OPEN" })),
    ).rejects.toMatchObject({ name: "InvalidPullRequestStatusUpdateException" });
    await expect(
      cc.send(new UpdatePullRequestTitleCommand({ pullRequestId: "2", title: "x" })),
    ).rejects.toMatchObject({
      name: "PullRequestAlreadyClosedException",
    });
    expect(
      (await cc.send(new ListPullRequestsCommand({ repositoryName: "app", pullRequestStatus: "OPEN" })))
        .pullRequestIds,
    ).toEqual(["1"]);
    await expect(cc.send(new GetPullRequestCommand({ pullRequestId: "99" }))).rejects.toMatchObject({
      name: "PullRequestDoesNotExistException",
    });
    await expect(cc.send(new GetPullRequestCommand({ pullRequestId: "abc" }))).rejects.toMatchObject({
      name: "InvalidPullRequestIdException",
    });
  });

  it("posts, replies to, groups, edits and deletes comments; only authors edit theirs", async () => {
    const posted = await cc.send(
      new PostCommentForPullRequestCommand({
        pullRequestId: "1",
        repositoryName: "app",
        beforeCommitId: mainCommit,
        afterCommitId: featureCommit,
        location: { filePath: "README.md", filePosition: 2, relativeFileVersion: "AFTER" },
        content: "Why uppercase?",
        clientRequestToken: "c-1",
      }),
    );
    expect(posted).toMatchObject({
      repositoryName: "app",
      pullRequestId: "1",
      beforeCommitId: mainCommit,
      afterCommitId: featureCommit,
      location: { filePath: "README.md", filePosition: 2, relativeFileVersion: "AFTER" },
      comment: { content: "Why uppercase?", authorArn: ROOT, deleted: false },
    });
    expect(posted.beforeBlobId).toMatch(/^[0-9a-f]{40}$/);
    expect(posted.afterBlobId).not.toBe(posted.beforeBlobId);
    const commentId = posted.comment!.commentId!;
    const general = await cc.send(
      new PostCommentForPullRequestCommand({
        pullRequestId: "1",
        repositoryName: "app",
        beforeCommitId: mainCommit,
        afterCommitId: featureCommit,
        content: "Looks fine overall",
      }),
    );
    const reply = await asReviewer.send(
      new PostCommentReplyCommand({ inReplyTo: commentId, content: "Because." }),
    );
    expect(reply.comment).toMatchObject({
      inReplyTo: commentId,
      authorArn: reviewer.arn,
      content: "Because.",
    });

    const listed = await cc.send(new GetCommentsForPullRequestCommand({ pullRequestId: "1" }));
    expect(
      listed.commentsForPullRequestData?.map((g) => [
        g.location?.filePath,
        g.comments?.map((c) => c.content),
      ]),
    ).toEqual([
      ["README.md", ["Why uppercase?", "Because."]],
      [undefined, ["Looks fine overall"]],
    ]);

    await expect(
      cc.send(new UpdateCommentCommand({ commentId: reply.comment!.commentId!, content: "hijack" })),
    ).rejects.toMatchObject({ name: "CommentNotCreatedByCallerException" });
    const edited = await cc.send(new UpdateCommentCommand({ commentId, content: "Why upper case?" }));
    expect(edited.comment?.content).toBe("Why upper case?");
    const deleted = await cc.send(
      new DeleteCommentContentCommand({ commentId: general.comment!.commentId! }),
    );
    expect(deleted.comment).toMatchObject({ deleted: true });
    expect(deleted.comment?.content).toBeUndefined();

    const position = cc.send(
      new PostCommentForPullRequestCommand({
        pullRequestId: "1",
        repositoryName: "app",
        beforeCommitId: mainCommit,
        afterCommitId: featureCommit,
        location: { filePath: "README.md", filePosition: 40, relativeFileVersion: "AFTER" },
        content: "x",
      }),
    );
    await expect(position).rejects.toMatchObject({ name: "InvalidFilePositionException" });
    await expect(
      cc.send(
        new PostCommentForPullRequestCommand({
          pullRequestId: "1",
          repositoryName: "app",
          beforeCommitId: mainCommit,
          afterCommitId: mainCommit,
          content: "x",
        }),
      ),
    ).rejects.toMatchObject({ name: "BeforeCommitIdAndAfterCommitIdAreSameException" });
    await expect(
      cc.send(
        new PostCommentForPullRequestCommand({
          pullRequestId: "1",
          repositoryName: "app",
          beforeCommitId: mainCommit,
          afterCommitId: featureCommit,
          location: { filePath: "nope.txt", relativeFileVersion: "AFTER" },
          content: "x",
        }),
      ),
    ).rejects.toMatchObject({ name: "PathDoesNotExistException" });
  });

  it("validates approval rules, counts approvals per revision and resets them when the source moves", async () => {
    const bad = cc.send(
      new CreatePullRequestApprovalRuleCommand({
        pullRequestId: "1",
        approvalRuleName: "two",
        approvalRuleContent: JSON.stringify({
          Version: "2018-11-08",
          Statements: [{ Type: "Approvers", NumberOfApprovalsNeeded: 0 }],
        }),
      }),
    );
    await expect(bad).rejects.toMatchObject({
      name: "InvalidApprovalRuleContentException",
      message: expect.stringContaining("Statements[0].NumberOfApprovalsNeeded"),
    });
    const content = JSON.stringify({
      Version: "2018-11-08",
      Statements: [
        {
          Type: "Approvers",
          NumberOfApprovalsNeeded: 1,
          ApprovalPoolMembers: ["CodeCommitApprovers:000000000000:reviewer"],
        },
      ],
    });
    const rule = await cc.send(
      new CreatePullRequestApprovalRuleCommand({
        pullRequestId: "1",
        approvalRuleName: "reviewers",
        approvalRuleContent: content,
      }),
    );
    expect(rule.approvalRule).toMatchObject({
      approvalRuleName: "reviewers",
      approvalRuleContent: content,
      lastModifiedUser: ROOT,
    });
    expect(rule.approvalRule?.ruleContentSha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(
      cc.send(
        new CreatePullRequestApprovalRuleCommand({
          pullRequestId: "1",
          approvalRuleName: "reviewers",
          approvalRuleContent: content,
        }),
      ),
    ).rejects.toMatchObject({ name: "ApprovalRuleNameAlreadyExistsException" });
    await expect(
      cc.send(
        new UpdatePullRequestApprovalRuleContentCommand({
          pullRequestId: "1",
          approvalRuleName: "reviewers",
          existingRuleContentSha256: "0".repeat(64),
          newRuleContent: content,
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidRuleContentSha256Exception" });

    let { pullRequest: pr } = await cc.send(new GetPullRequestCommand({ pullRequestId: "1" }));
    const revision = pr!.revisionId!;
    expect(pr?.approvalRules?.map((r) => r.approvalRuleName)).toEqual(["reviewers"]);
    let evaluation = (
      await cc.send(new EvaluatePullRequestApprovalRulesCommand({ pullRequestId: "1", revisionId: revision }))
    ).evaluation;
    expect(evaluation).toEqual({
      approved: false,
      overridden: false,
      approvalRulesSatisfied: [],
      approvalRulesNotSatisfied: ["reviewers"],
    });

    await expect(
      cc.send(
        new UpdatePullRequestApprovalStateCommand({
          pullRequestId: "1",
          revisionId: revision,
          approvalState: "APPROVE",
        }),
      ),
    ).rejects.toMatchObject({ name: "PullRequestCannotBeApprovedByAuthorException" });
    await asReviewer.send(
      new UpdatePullRequestApprovalStateCommand({
        pullRequestId: "1",
        revisionId: revision,
        approvalState: "APPROVE",
      }),
    );
    expect(
      (await cc.send(new GetPullRequestApprovalStatesCommand({ pullRequestId: "1", revisionId: revision })))
        .approvals,
    ).toEqual([{ userArn: reviewer.arn, approvalState: "APPROVE" }]);
    evaluation = (
      await cc.send(new EvaluatePullRequestApprovalRulesCommand({ pullRequestId: "1", revisionId: revision }))
    ).evaluation;
    expect(evaluation).toMatchObject({
      approved: true,
      approvalRulesSatisfied: ["reviewers"],
      approvalRulesNotSatisfied: [],
    });

    // A push to the source branch makes a new revision: the approval belonged to the old one.
    work.checkout("feature");
    const moved = work.commit({ "src/b.txt": "b\n" }, "more work");
    await work.push("feature", reviewer.arn);
    await expect
      .poll(
        async () =>
          (await cc.send(new GetPullRequestCommand({ pullRequestId: "1" }))).pullRequest?.revisionId,
        { timeout: 5000 },
      )
      .not.toBe(revision);
    ({ pullRequest: pr } = await cc.send(new GetPullRequestCommand({ pullRequestId: "1" })));
    expect(pr?.pullRequestTargets?.[0]?.sourceCommit).toBe(moved);
    const current = pr!.revisionId!;
    await expect(
      asReviewer.send(
        new UpdatePullRequestApprovalStateCommand({
          pullRequestId: "1",
          revisionId: revision,
          approvalState: "APPROVE",
        }),
      ),
    ).rejects.toMatchObject({ name: "RevisionNotCurrentException" });
    evaluation = (
      await cc.send(new EvaluatePullRequestApprovalRulesCommand({ pullRequestId: "1", revisionId: current }))
    ).evaluation;
    expect(evaluation?.approvalRulesNotSatisfied).toEqual(["reviewers"]);

    await cc.send(
      new OverridePullRequestApprovalRulesCommand({
        pullRequestId: "1",
        revisionId: current,
        overrideStatus: "OVERRIDE",
      }),
    );
    await expect(
      cc.send(
        new OverridePullRequestApprovalRulesCommand({
          pullRequestId: "1",
          revisionId: current,
          overrideStatus: "OVERRIDE",
        }),
      ),
    ).rejects.toMatchObject({ name: "OverrideAlreadySetException" });
    expect(
      await cc.send(new GetPullRequestOverrideStateCommand({ pullRequestId: "1", revisionId: current })),
    ).toMatchObject({
      overridden: true,
      overrider: ROOT,
    });
    await cc.send(
      new OverridePullRequestApprovalRulesCommand({
        pullRequestId: "1",
        revisionId: current,
        overrideStatus: "REVOKE",
      }),
    );
    const removed = await cc.send(
      new DeletePullRequestApprovalRuleCommand({ pullRequestId: "1", approvalRuleName: "reviewers" }),
    );
    expect(removed.approvalRuleId).toBe(rule.approvalRule?.approvalRuleId);
    const gone = await cc.send(
      new DeletePullRequestApprovalRuleCommand({ pullRequestId: "1", approvalRuleName: "reviewers" }),
    );
    expect(gone.approvalRuleId).toBeUndefined();

    const history = await cc.send(new DescribePullRequestEventsCommand({ pullRequestId: "1" }));
    expect(history.pullRequestEvents?.map((e) => e.pullRequestEventType)).toEqual([
      "PULL_REQUEST_CREATED",
      "PULL_REQUEST_APPROVAL_RULE_CREATED",
      "PULL_REQUEST_APPROVAL_STATE_CHANGED",
      "PULL_REQUEST_SOURCE_REFERENCE_UPDATED",
      "PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN",
      "PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN",
      "PULL_REQUEST_APPROVAL_RULE_DELETED",
    ]);
    const update = history.pullRequestEvents?.[3];
    expect(update).toMatchObject({
      actorArn: reviewer.arn,
      pullRequestSourceReferenceUpdatedEventMetadata: {
        repositoryName: "app",
        afterCommitId: moved,
        beforeCommitId: mainCommit,
      },
    });
    const approvals = await cc.send(
      new DescribePullRequestEventsCommand({
        pullRequestId: "1",
        pullRequestEventType: "PULL_REQUEST_APPROVAL_STATE_CHANGED",
      }),
    );
    expect(approvals.pullRequestEvents?.[0]?.approvalStateChangedEventMetadata).toEqual({
      revisionId: revision,
      approvalStatus: "APPROVE",
    });
  });

  it("puts pull request and comment events on the bus in AWS's shapes", async () => {
    await expect
      .poll(() => events.filter((e) => e.detail.event === "pullRequestApprovalRuleDeleted").length, {
        timeout: 5000,
      })
      .toBe(1);
    const pr = events.filter((e) => e["detail-type"] === "CodeCommit Pull Request State Change");
    const created = pr.find((e) => e.detail.event === "pullRequestCreated" && e.detail.pullRequestId === "1");
    expect(created?.resources).toEqual(["arn:aws:codecommit:us-east-1:000000000000:app"]);
    expect(created?.detail).toMatchObject({
      author: ROOT,
      callerUserArn: ROOT,
      destinationReference: "refs/heads/main",
      sourceReference: "refs/heads/feature",
      isMerged: "False",
      pullRequestStatus: "Open",
      repositoryNames: ["app"],
      title: "Feature",
    });
    expect(created?.detail.creationDate).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC$/);
    expect(pr.find((e) => e.detail.event === "pullRequestSourceBranchUpdated")?.detail).toMatchObject({
      callerUserArn: reviewer.arn,
      pullRequestId: "1",
    });
    expect(pr.find((e) => e.detail.event === "pullRequestStatusChanged")?.detail).toMatchObject({
      pullRequestId: "2",
      pullRequestStatus: "Closed",
    });
    expect(pr.find((e) => e.detail.event === "pullRequestApprovalStateChanged")?.detail).toMatchObject({
      approvalStatus: "APPROVE",
      callerUserArn: reviewer.arn,
    });
    const comments = events.filter((e) => e["detail-type"] === "CodeCommit Comment on Pull Request");
    expect(comments.map((e) => e.detail.event)).toEqual([
      "commentOnPullRequestCreated",
      "commentOnPullRequestCreated",
      "commentOnPullRequestCreated",
      "commentOnPullRequestUpdated",
    ]);
    expect(comments[0]?.detail).toMatchObject({
      pullRequestId: "1",
      repositoryName: "app",
      afterCommitId: featureCommit,
    });
  });

  it.skipIf(!hasAwsCli() || dialect !== "sqlite")("works from the AWS CLI", async () => {
    const out = await awsCli(server, [
      "codecommit",
      "create-pull-request",
      "--title",
      "From the CLI",
      "--targets",
      "repositoryName=app,sourceReference=feature,destinationReference=main",
    ]);
    expect(out.code, out.stderr).toBe(0);
    const id = (JSON.parse(out.stdout) as { pullRequest: { pullRequestId: string } }).pullRequest
      .pullRequestId;
    expect(id).toBe("3");
    const bad = await awsCli(server, [
      "codecommit",
      "create-pull-request-approval-rule",
      "--pull-request-id",
      id,
      "--approval-rule-name",
      "r",
      "--approval-rule-content",
      '{"Version":"2018-11-08","Statements":[{"Type":"Approvers","NumberOfApprovalsNeeded":1,"ApprovalPoolMembers":["someone"]}]}',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("InvalidApprovalRuleContentException");
    expect(bad.stderr).toContain("ApprovalPoolMembers[0]");
  });
});
