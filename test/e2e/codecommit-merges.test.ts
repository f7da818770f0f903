import { execFileSync } from "node:child_process";
import {
  CodeCommitClient,
  CreatePullRequestApprovalRuleCommand,
  CreatePullRequestCommand,
  DescribePullRequestEventsCommand,
  GetMergeCommitCommand,
  GetMergeConflictsCommand,
  GetMergeOptionsCommand,
  GetPullRequestCommand,
  MergePullRequestByFastForwardCommand,
  MergePullRequestBySquashCommand,
  MergePullRequestByThreeWayCommand,
  OverridePullRequestApprovalRulesCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "../../src/platform/bus/index.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";
import { collectEvents, repositoryWithMain, type WorkTree } from "./codecommit-pr-support.js";

const ROOT = "arn:aws:iam::000000000000:root";

describe.each(dialects())("CodeCommit merges on %s", (dialect) => {
  let server: TestServer;
  let cc: CodeCommitClient;
  let work: WorkTree;
  let events: BusEvent[];

  /** A branch from main's tip with `files` committed on it. */
  async function branch(name: string, files: Record<string, string>): Promise<string> {
    work.checkout(name, "main");
    const commit = work.commit(files, `${name} work`);
    await work.push(name);
    return commit;
  }

  async function openPullRequest(source: string, title = source): Promise<string> {
    const { pullRequest } = await cc.send(
      new CreatePullRequestCommand({ title, targets: [{ repositoryName: "repo", sourceReference: source }] }),
    );
    return pullRequest!.pullRequestId!;
  }

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    events = collectEvents(server, "test.merges");
    cc = new CodeCommitClient(server.clientConfig);
    work = await repositoryWithMain(server, cc, "repo", {
      "shared.txt": "1\n2\n3\n4\n5\n6\n7\n8\n",
      "other.txt": "other\n",
    });
  });
  afterAll(async () => {
    cc?.destroy();
    work?.remove();
    await server?.stop();
  });

  it("fast-forwards a pull request and closes it as merged", async () => {
    const source = await branch("ff", { "new.txt": "new\n" });
    const id = await openPullRequest("ff");
    const main = work.bare("rev-parse", "main");
    const options = await cc.send(
      new GetMergeOptionsCommand({
        repositoryName: "repo",
        sourceCommitSpecifier: "ff",
        destinationCommitSpecifier: "main",
      }),
    );
    expect(options).toMatchObject({
      mergeOptions: ["FAST_FORWARD_MERGE", "SQUASH_MERGE", "THREE_WAY_MERGE"],
      sourceCommitId: source,
      destinationCommitId: main,
      baseCommitId: main,
    });
    await expect(
      cc.send(
        new MergePullRequestByFastForwardCommand({
          pullRequestId: id,
          repositoryName: "repo",
          sourceCommitId: main,
        }),
      ),
    ).rejects.toMatchObject({ name: "TipOfSourceReferenceIsDifferentException" });
    const { pullRequest } = await cc.send(
      new MergePullRequestByFastForwardCommand({
        pullRequestId: id,
        repositoryName: "repo",
        sourceCommitId: source,
      }),
    );
    expect(pullRequest).toMatchObject({
      pullRequestStatus: "CLOSED",
      pullRequestTargets: [
        {
          mergeMetadata: {
            isMerged: true,
            mergedBy: ROOT,
            mergeCommitId: source,
            mergeOption: "FAST_FORWARD_MERGE",
          },
        },
      ],
    });
    expect(work.bare("rev-parse", "main")).toBe(source);
    await expect(
      cc.send(new MergePullRequestByFastForwardCommand({ pullRequestId: id, repositoryName: "repo" })),
    ).rejects.toMatchObject({ name: "PullRequestAlreadyClosedException" });
    const history = await cc.send(
      new DescribePullRequestEventsCommand({
        pullRequestId: id,
        pullRequestEventType: "PULL_REQUEST_MERGE_STATE_CHANGED",
      }),
    );
    expect(history.pullRequestEvents?.[0]?.pullRequestMergedStateChangedEventMetadata).toEqual({
      repositoryName: "repo",
      destinationReference: "refs/heads/main",
      mergeMetadata: {
        isMerged: true,
        mergedBy: ROOT,
        mergeCommitId: source,
        mergeOption: "FAST_FORWARD_MERGE",
      },
    });
    await expect
      .poll(
        () =>
          events.find((e) => e.detail.event === "referenceUpdated" && e.detail.commitId === source)?.detail,
        {
          timeout: 5000,
        },
      )
      .toMatchObject({
        referenceName: "main",
        oldCommitId: main,
        mergeOption: "FAST_FORWARD_MERGE",
        sourceCommitId: source,
      });
    await expect
      .poll(() => events.find((e) => e.detail.event === "pullRequestMergeStatusUpdated")?.detail, {
        timeout: 5000,
      })
      .toMatchObject({ pullRequestId: id, isMerged: "True", pullRequestStatus: "Closed" });
  });

  it("tells file-level from line-level conflicts and refuses merges that need a person", async () => {
    await branch("left", { "shared.txt": "ONE\n2\n3\n4\n5\n6\n7\n8\n" });
    const right = await branch("right", { "shared.txt": "1\n2\n3\n4\n5\n6\n7\nEIGHT\n" });
    // Merge left into main first, so right now differs from main in the same file, other lines.
    work.checkout("main");
    work.git("merge", "-q", "--no-ff", "-m", "merge left", "origin/left");
    await work.push("main");
    const id = await openPullRequest("right");

    const fileLevel = await cc.send(
      new GetMergeConflictsCommand({
        repositoryName: "repo",
        sourceCommitSpecifier: "right",
        destinationCommitSpecifier: "main",
        mergeOption: "THREE_WAY_MERGE",
      }),
    );
    expect(fileLevel.mergeable).toBe(false);
    expect(fileLevel.sourceCommitId).toBe(right);
    expect(fileLevel.conflictMetadataList).toEqual([
      expect.objectContaining({
        filePath: "shared.txt",
        contentConflict: true,
        fileModeConflict: false,
        objectTypeConflict: false,
        mergeOperations: { source: "M", destination: "M" },
        fileModes: { source: "NORMAL", destination: "NORMAL", base: "NORMAL" },
        objectTypes: { source: "FILE", destination: "FILE", base: "FILE" },
        isBinaryFile: { source: false, destination: false, base: false },
      }),
    ]);
    const lineLevel = await cc.send(
      new GetMergeConflictsCommand({
        repositoryName: "repo",
        sourceCommitSpecifier: "right",
        destinationCommitSpecifier: "main",
        mergeOption: "THREE_WAY_MERGE",
        conflictDetailLevel: "LINE_LEVEL",
      }),
    );
    expect(lineLevel).toMatchObject({ mergeable: true, conflictMetadataList: [] });
    const options = await cc.send(
      new GetMergeOptionsCommand({
        repositoryName: "repo",
        sourceCommitSpecifier: "right",
        destinationCommitSpecifier: "main",
      }),
    );
    expect(options.mergeOptions).toEqual([]);

    await expect(
      cc.send(new MergePullRequestByFastForwardCommand({ pullRequestId: id, repositoryName: "repo" })),
    ).rejects.toMatchObject({ name: "ManualMergeRequiredException" });
    await expect(
      cc.send(new MergePullRequestByThreeWayCommand({ pullRequestId: id, repositoryName: "repo" })),
    ).rejects.toMatchObject({
      name: "ManualMergeRequiredException",
      message: expect.stringContaining("shared.txt"),
    });

    // Line level: both edits are kept, in a merge commit with two parents.
    const before = work.bare("rev-parse", "main");
    const { pullRequest } = await cc.send(
      new MergePullRequestByThreeWayCommand({
        pullRequestId: id,
        repositoryName: "repo",
        conflictDetailLevel: "LINE_LEVEL",
        commitMessage: "Merge right",
        authorName: "Merger",
        email: "merger@example.com",
      }),
    );
    const merge = pullRequest!.pullRequestTargets![0]!.mergeMetadata!.mergeCommitId!;
    expect(work.bare("rev-parse", "main")).toBe(merge);
    expect(work.bare("log", "-1", "--format=%P|%an|%ae|%s", merge)).toBe(
      `${before} ${right}|Merger|merger@example.com|Merge right`,
    );
    expect(work.bare("show", `${merge}:shared.txt`)).toBe("ONE\n2\n3\n4\n5\n6\n7\nEIGHT");
  });

  it("resolves true conflicts by strategy, squashes, and enforces approval rules", async () => {
    await branch("theirs", { "other.txt": "from source\n" });
    work.checkout("main");
    work.commit({ "other.txt": "from destination\n" }, "main edits other");
    await work.push("main");
    const id = await openPullRequest("theirs");

    const automerge = await cc.send(
      new GetMergeConflictsCommand({
        repositoryName: "repo",
        sourceCommitSpecifier: "theirs",
        destinationCommitSpecifier: "main",
        mergeOption: "SQUASH_MERGE",
        conflictResolutionStrategy: "AUTOMERGE",
      }),
    );
    expect(automerge.mergeable).toBe(false);
    expect(automerge.conflictMetadataList?.[0]).toMatchObject({
      filePath: "other.txt",
      numberOfConflicts: 1,
    });

    await cc.send(
      new CreatePullRequestApprovalRuleCommand({
        pullRequestId: id,
        approvalRuleName: "one",
        approvalRuleContent: JSON.stringify({
          Version: "2018-11-08",
          Statements: [{ Type: "Approvers", NumberOfApprovalsNeeded: 1 }],
        }),
      }),
    );
    const squash = new MergePullRequestBySquashCommand({
      pullRequestId: id,
      repositoryName: "repo",
      conflictResolutionStrategy: "ACCEPT_SOURCE",
    });
    await expect(cc.send(squash)).rejects.toMatchObject({
      name: "PullRequestApprovalRulesNotSatisfiedException",
    });
    const { pullRequest: pr } = await cc.send(new GetPullRequestCommand({ pullRequestId: id }));
    await cc.send(
      new OverridePullRequestApprovalRulesCommand({
        pullRequestId: id,
        revisionId: pr!.revisionId!,
        overrideStatus: "OVERRIDE",
      }),
    );
    const before = work.bare("rev-parse", "main");
    const { pullRequest } = await cc.send(squash);
    const commit = pullRequest!.pullRequestTargets![0]!.mergeMetadata!.mergeCommitId!;
    expect(pullRequest?.pullRequestTargets?.[0]?.mergeMetadata?.mergeOption).toBe("SQUASH_MERGE");
    expect(work.bare("log", "-1", "--format=%P", commit)).toBe(before);
    expect(work.bare("show", `${commit}:other.txt`)).toBe("from source");
  });

  it("resolves conflicts by hand with conflictResolution", async () => {
    await branch("manual", { "manual.txt": "source\n" });
    work.checkout("main");
    work.commit({ "manual.txt": "destination\n" }, "main adds manual");
    await work.push("main");
    const id = await openPullRequest("manual");
    const { pullRequest } = await cc.send(
      new MergePullRequestByThreeWayCommand({
        pullRequestId: id,
        repositoryName: "repo",
        conflictResolution: {
          replaceContents: [
            {
              filePath: "manual.txt",
              replacementType: "USE_NEW_CONTENT",
              content: new TextEncoder().encode("both\n"),
            },
          ],
        },
      }),
    );
    const commit = pullRequest!.pullRequestTargets![0]!.mergeMetadata!.mergeCommitId!;
    expect(work.bare("show", `${commit}:manual.txt`)).toBe("both");
  });

  it("keeps folders that a merge empties when keepEmptyFolders is set", async () => {
    work.checkout("main");
    work.commit({ "docs/only.md": "doc\n" }, "add docs");
    await work.push("main");
    work.checkout("cleanup", "main");
    work.git("rm", "-q", "docs/only.md");
    work.commit({}, "remove docs");
    await work.push("cleanup");
    const id = await openPullRequest("cleanup");
    const { pullRequest } = await cc.send(
      new MergePullRequestBySquashCommand({
        pullRequestId: id,
        repositoryName: "repo",
        keepEmptyFolders: true,
      }),
    );
    const commit = pullRequest!.pullRequestTargets![0]!.mergeMetadata!.mergeCommitId!;
    expect(work.bare("ls-tree", "-r", "--name-only", commit, "docs")).toBe("docs/.gitkeep");
  });

  it("marks a pull request merged when its source reaches the destination by a push", async () => {
    const source = await branch("outside", { "outside.txt": "x\n" });
    const id = await openPullRequest("outside");
    const repo = (await server.codecommit.git.findRepository(server.config, "repo"))!;
    const base = execFileSync("git", ["--git-dir", repo.gitDir, "merge-base", "main", source])
      .toString()
      .trim();
    const before = await cc.send(
      new GetMergeCommitCommand({
        repositoryName: "repo",
        sourceCommitSpecifier: "outside",
        destinationCommitSpecifier: "main",
      }),
    );
    expect(before).toMatchObject({ sourceCommitId: source, baseCommitId: base });
    expect(before.mergedCommitId).toBeUndefined();
    work.checkout("main");
    work.git("merge", "-q", "--no-ff", "-m", "merged by hand", "origin/outside");
    const merge = work.git("rev-parse", "HEAD");
    await work.push("main");
    await expect
      .poll(
        async () =>
          (await cc.send(new GetPullRequestCommand({ pullRequestId: id }))).pullRequest?.pullRequestStatus,
        {
          timeout: 5000,
        },
      )
      .toBe("CLOSED");
    const { pullRequest } = await cc.send(new GetPullRequestCommand({ pullRequestId: id }));
    expect(pullRequest?.pullRequestTargets?.[0]).toMatchObject({
      sourceCommit: source,
      mergeMetadata: { isMerged: true, mergedBy: ROOT, mergeCommitId: merge },
    });
    // GetMergeCommit now names the commit that merged the source.
    const after = await cc.send(
      new GetMergeCommitCommand({
        repositoryName: "repo",
        sourceCommitSpecifier: source,
        destinationCommitSpecifier: "main",
      }),
    );
    expect(after).toMatchObject({
      sourceCommitId: source,
      destinationCommitId: merge,
      baseCommitId: source,
      mergedCommitId: merge,
    });
  });
});
