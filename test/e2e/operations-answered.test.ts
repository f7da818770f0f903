/**
 * Operations that no other suite answers with success, answered here: the run checks every
 * response against AWS's output shape (test/support/global-setup.ts), and fails when an operation
 * a server serves was never answered, so each needs at least one successful call somewhere.
 */
import {
  BatchDeleteBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  CreateReportGroupCommand,
  ListReportsCommand,
  RetryBuildCommand,
  StartBuildCommand,
} from "@aws-sdk/client-codebuild";
import {
  CodeCommitClient,
  CreateBranchCommand,
  CreatePullRequestApprovalRuleCommand,
  CreatePullRequestCommand,
  CreateRepositoryCommand,
  GetCommentCommand,
  ListTagsForResourceCommand,
  PostCommentForPullRequestCommand,
  PutFileCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePullRequestApprovalRuleContentCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { fakeEngine, PROJECT_BASICS, waitForBuild } from "./codebuild-support.js";

describe("operations no other suite answers", () => {
  let server: TestServer;
  let cb: CodeBuildClient;
  let cc: CodeCommitClient;
  beforeAll(async () => {
    server = await startTestServer({ server: { runBuild: fakeEngine } });
    cb = new CodeBuildClient(server.clientConfig);
    cc = new CodeCommitClient(server.clientConfig);
  });
  afterAll(async () => {
    cb?.destroy();
    cc?.destroy();
    await server?.stop();
  });

  it("CodeBuild: CreateReportGroup, ListReports, RetryBuild, BatchDeleteBuilds", async () => {
    const group = await cb.send(
      new CreateReportGroupCommand({
        name: "unit",
        type: "TEST",
        exportConfig: { exportConfigType: "NO_EXPORT" },
      }),
    );
    expect(group.reportGroup?.arn).toMatch(/:report-group\/unit$/);
    expect((await cb.send(new ListReportsCommand({}))).reports).toEqual([]);

    await cb.send(
      new CreateProjectCommand({
        name: "answered",
        source: {
          type: "NO_SOURCE",
          buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - ok\n",
        },
        artifacts: { type: "NO_ARTIFACTS" },
        ...PROJECT_BASICS,
      }),
    );
    const first = (await cb.send(new StartBuildCommand({ projectName: "answered" }))).build!;
    await waitForBuild(cb, first.id!);
    const retried = (await cb.send(new RetryBuildCommand({ id: first.id! }))).build!;
    expect(retried.buildNumber).toBe(2);
    await waitForBuild(cb, retried.id!);
    const deleted = await cb.send(new BatchDeleteBuildsCommand({ ids: [first.id!, retried.id!] }));
    expect(deleted.buildsDeleted?.sort()).toEqual([first.id!, retried.id!].sort());
  });

  it("CodeCommit: UntagResource, UpdatePullRequestApprovalRuleContent, GetComment", async () => {
    const repo = (await cc.send(new CreateRepositoryCommand({ repositoryName: "answered" })))
      .repositoryMetadata!;
    await cc.send(new TagResourceCommand({ resourceArn: repo.Arn!, tags: { team: "a", stage: "dev" } }));
    await cc.send(new UntagResourceCommand({ resourceArn: repo.Arn!, tagKeys: ["stage"] }));
    expect((await cc.send(new ListTagsForResourceCommand({ resourceArn: repo.Arn! }))).tags).toEqual({
      team: "a",
    });

    const base = await cc.send(
      new PutFileCommand({
        repositoryName: "answered",
        branchName: "main",
        filePath: "a.txt",
        fileContent: Buffer.from("one\n"),
      }),
    );
    await cc.send(
      new CreateBranchCommand({ repositoryName: "answered", branchName: "feature", commitId: base.commitId }),
    );
    const change = await cc.send(
      new PutFileCommand({
        repositoryName: "answered",
        branchName: "feature",
        parentCommitId: base.commitId,
        filePath: "a.txt",
        fileContent: Buffer.from("two\n"),
      }),
    );
    const pr = (
      await cc.send(
        new CreatePullRequestCommand({
          title: "Two",
          targets: [{ repositoryName: "answered", sourceReference: "feature", destinationReference: "main" }],
        }),
      )
    ).pullRequest!;
    const content = (n: number) =>
      JSON.stringify({
        Version: "2018-11-08",
        Statements: [{ Type: "Approvers", NumberOfApprovalsNeeded: n }],
      });
    await cc.send(
      new CreatePullRequestApprovalRuleCommand({
        pullRequestId: pr.pullRequestId!,
        approvalRuleName: "two",
        approvalRuleContent: content(1),
      }),
    );
    const updated = await cc.send(
      new UpdatePullRequestApprovalRuleContentCommand({
        pullRequestId: pr.pullRequestId!,
        approvalRuleName: "two",
        newRuleContent: content(2),
      }),
    );
    expect(JSON.parse(updated.approvalRule!.approvalRuleContent!).Statements[0].NumberOfApprovalsNeeded).toBe(
      2,
    );

    const posted = await cc.send(
      new PostCommentForPullRequestCommand({
        pullRequestId: pr.pullRequestId!,
        repositoryName: "answered",
        beforeCommitId: base.commitId!,
        afterCommitId: change.commitId!,
        content: "Looks right",
      }),
    );
    const comment = await cc.send(new GetCommentCommand({ commentId: posted.comment!.commentId! }));
    expect(comment.comment?.content).toBe("Looks right");
  });
});
