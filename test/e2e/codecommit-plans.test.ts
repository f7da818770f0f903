import {
  BatchGetRepositoriesCommand,
  CodeCommitClient,
  CreateBranchCommand,
  CreatePullRequestCommand,
  CreateRepositoryCommand,
  DeleteBranchCommand,
  DescribePullRequestEventsCommand,
  GetBranchCommand,
  GetCommentsForPullRequestCommand,
  GetRepositoryTriggersCommand,
  ListBranchesCommand,
  ListPullRequestsCommand,
  ListRepositoriesCommand,
  ListTagsForResourceCommand,
  MergePullRequestByFastForwardCommand,
  PostCommentForPullRequestCommand,
  PostCommentReplyCommand,
  UpdatePullRequestStatusCommand,
  UpdateRepositoryDescriptionCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObservedQuery } from "../../src/platform/store/index.js";
import { addTestPrincipal, type TestPrincipal } from "../support/principals.js";
import { fullScans, recordQueries } from "../support/query-plans.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";
import { repositoryWithMain, type WorkTree } from "./codecommit-pr-support.js";

const ROOT = "arn:aws:iam::000000000000:root";

/** A token of the shape every CodeCommit listing handed out before keysets: an offset. */
function offsetToken(listing: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listing, p: offset })).toString("base64url");
}

describe.each(dialects())("CodeCommit listings on %s read one page from an index", (dialect) => {
  const rec = recordQueries();
  let server: TestServer;
  let cc: CodeCommitClient;
  let reviewer: TestPrincipal;
  let asReviewer: CodeCommitClient;
  let work: WorkTree;
  let prIds: string[];
  let mainCommit: string;
  let featureCommit: string;

  /** The queries `operation` ran for `fn`, after checking it ran some and none scans. */
  async function planOf(operation: string, fn: () => Promise<unknown>): Promise<ObservedQuery[]> {
    const queries = await rec.during(operation, fn);
    expect(queries.length).toBeGreaterThan(0);
    expect(await fullScans(server.store, queries)).toEqual([]);
    return queries;
  }

  /** Whether the queries read the recorded refs (GetBranch and ListBranches run no git). */
  const readsRecordedRefs = (queries: readonly ObservedQuery[]) =>
    queries.some((q) => /from "codecommit_refs"/.test(q.sql));

  /** Every page of a listing, following nextToken. */
  async function walk<T>(fetch: (token?: string) => Promise<{ items?: T[]; nextToken?: string }>) {
    const all: T[] = [];
    let token: string | undefined;
    do {
      const page = await fetch(token);
      all.push(...(page.items ?? []));
      token = page.nextToken;
    } while (token !== undefined);
    return all;
  }

  /** The branches git holds, in git's order. */
  const gitBranches = () =>
    work
      .bare("for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/heads")
      .split("\n")
      .map((line) => line.split(" ") as [string, string]);

  const listAllBranches = () =>
    walk(async (nextToken) => {
      const out = await cc.send(new ListBranchesCommand({ repositoryName: "app", nextToken }));
      return { items: out.branches, nextToken: out.nextToken };
    });

  beforeAll(async () => {
    server = await startTestServer({ dialect, server: { onQuery: rec.onQuery } });
    cc = new CodeCommitClient(server.clientConfig);
    reviewer = await addTestPrincipal(server, "reviewer");
    asReviewer = new CodeCommitClient(reviewer.clientConfig);
    work = await repositoryWithMain(server, cc, "app", { "README.md": "one\n" });
    mainCommit = work.git("rev-parse", "HEAD");
    // 250 branches in one push (three ListBranches pages), and a tag, which is no branch.
    const refspecs = Array.from({ length: 250 }, (_, i) => `HEAD:refs/heads/b/${String(i).padStart(3, "0")}`);
    work.git("tag", "v1");
    work.git("push", "-q", work.gitDir, ...refspecs, "refs/tags/v1");
    work.checkout("feature", "main");
    featureCommit = work.commit({ "src/a.txt": "a\n" }, "feature work");
    await work.push("feature");
    for (const name of ["zeta", "alpha", "mid", "Upper"]) {
      await cc.send(new CreateRepositoryCommand({ repositoryName: name, tags: { team: name } }));
    }
    await cc.send(
      new UpdateRepositoryDescriptionCommand({ repositoryName: "alpha", repositoryDescription: "x" }),
    );

    prIds = [];
    for (const [client, title] of [
      [cc, "one"],
      [asReviewer, "two"],
      [cc, "three"],
      [asReviewer, "four"],
    ] as const) {
      const out = await client.send(
        new CreatePullRequestCommand({
          title,
          targets: [{ repositoryName: "app", sourceReference: "feature", destinationReference: "main" }],
        }),
      );
      prIds.push(out.pullRequest!.pullRequestId!);
    }
    await cc.send(
      new UpdatePullRequestStatusCommand({ pullRequestId: prIds[2], pullRequestStatus: "CLOSED" }),
    );
    for (let i = 0; i < 5; i++) {
      const posted = await cc.send(
        new PostCommentForPullRequestCommand({
          pullRequestId: prIds[0],
          repositoryName: "app",
          beforeCommitId: mainCommit,
          afterCommitId: featureCommit,
          content: `comment ${i}`,
        }),
      );
      await asReviewer.send(
        new PostCommentReplyCommand({ inReplyTo: posted.comment!.commentId, content: `reply ${i}` }),
      );
    }
  });
  afterAll(async () => {
    cc?.destroy();
    asReviewer?.destroy();
    work?.remove();
    await server?.stop();
  });

  describe("branches", () => {
    it("GetBranch reads one recorded ref", async () => {
      let branch;
      const queries = await planOf("GetBranch", async () => {
        branch = (await cc.send(new GetBranchCommand({ repositoryName: "app", branchName: "b/123" }))).branch;
      });
      expect(readsRecordedRefs(queries)).toBe(true);
      expect(branch).toEqual({ branchName: "b/123", commitId: mainCommit });
      await expect(
        cc.send(new GetBranchCommand({ repositoryName: "app", branchName: "v1" })),
      ).rejects.toMatchObject({ name: "BranchDoesNotExistException" });
    });

    it("ListBranches reads one page, with and without a token", async () => {
      let first: { branches?: string[]; nextToken?: string } = {};
      const queries = await planOf("ListBranches", async () => {
        first = await cc.send(new ListBranchesCommand({ repositoryName: "app" }));
      });
      expect(readsRecordedRefs(queries)).toBe(true);
      expect(first.branches).toHaveLength(100);
      const next = await planOf("ListBranches", () =>
        cc.send(new ListBranchesCommand({ repositoryName: "app", nextToken: first.nextToken })),
      );
      expect(readsRecordedRefs(next)).toBe(true);
    });

    it("walks every branch in git's order, 100 a page", async () => {
      const pages: number[] = [];
      const all = await walk(async (nextToken) => {
        const out = await cc.send(new ListBranchesCommand({ repositoryName: "app", nextToken }));
        pages.push(out.branches?.length ?? 0);
        return { items: out.branches, nextToken: out.nextToken };
      });
      expect(pages).toEqual([100, 100, 52]);
      expect(all).toEqual(gitBranches().map(([name]) => name));
    });

    it("refuses an offset token", async () => {
      const id = work.repositoryId;
      await expect(
        cc.send(
          new ListBranchesCommand({ repositoryName: "app", nextToken: offsetToken(`branches:${id}`, 100) }),
        ),
      ).rejects.toMatchObject({ name: "InvalidContinuationTokenException" });
    });

    it("keeps the recorded branches equal to git's after every kind of change", async () => {
      const expectRecordedEqualsGit = async () => {
        const git = gitBranches();
        expect(await listAllBranches()).toEqual(git.map(([name]) => name));
        for (const [name, commitId] of git.filter(([name]) => !name.startsWith("b/"))) {
          const out = await cc.send(new GetBranchCommand({ repositoryName: "app", branchName: name }));
          expect(out.branch).toEqual({ branchName: name, commitId });
        }
      };
      // The API's writes compare only the branch they moved with its recorded row.
      await planOf("CreateBranch", () =>
        cc.send(new CreateBranchCommand({ repositoryName: "app", branchName: "api", commitId: mainCommit })),
      );
      await expectRecordedEqualsGit();
      await planOf("DeleteBranch", () =>
        cc.send(new DeleteBranchCommand({ repositoryName: "app", branchName: "b/007" })),
      );
      await expectRecordedEqualsGit();
      // A push that deletes one branch, moves another and creates a third.
      work.git(
        "push",
        "-q",
        "--force",
        work.gitDir,
        ":refs/heads/b/008",
        "HEAD:refs/heads/b/009",
        "HEAD:refs/heads/pushed",
      );
      await server.codecommit.git.recordPush(work.repositoryId, ROOT);
      await expectRecordedEqualsGit();
      const pr = await cc.send(
        new CreatePullRequestCommand({
          title: "merge me",
          targets: [{ repositoryName: "app", sourceReference: "feature", destinationReference: "api" }],
        }),
      );
      // A merge reads the pull request's approvals whole (AWS does not page them), its refs by key.
      const merge = await rec.during("MergePullRequestByFastForward", () =>
        cc.send(
          new MergePullRequestByFastForwardCommand({
            pullRequestId: pr.pullRequest!.pullRequestId,
            repositoryName: "app",
          }),
        ),
      );
      const refReads = merge.filter((q) => /"codecommit_refs"/.test(q.sql));
      expect(refReads.length).toBeGreaterThan(0);
      expect(await fullScans(server.store, refReads)).toEqual([]);
      await expectRecordedEqualsGit();
      const api = await cc.send(new GetBranchCommand({ repositoryName: "app", branchName: "api" }));
      expect(api.branch?.commitId).toBe(featureCommit);
    });
  });

  describe("repositories", () => {
    const orders = [
      ["repositoryName", "ascending"],
      ["repositoryName", "descending"],
      ["lastModifiedDate", "ascending"],
      ["lastModifiedDate", "descending"],
    ] as const;

    it.each(orders)("ListRepositories by %s, %s, reads one page", async (sortBy, order) => {
      await planOf("ListRepositories", () => cc.send(new ListRepositoriesCommand({ sortBy, order })));
    });

    it("ListRepositories in byte order of names, and by last modification", async () => {
      const names = async (sortBy: (typeof orders)[number][0], order: (typeof orders)[number][1]) =>
        (await cc.send(new ListRepositoriesCommand({ sortBy, order }))).repositories?.map(
          (r) => r.repositoryName,
        );
      expect(await names("repositoryName", "ascending")).toEqual(["Upper", "alpha", "app", "mid", "zeta"]);
      expect(await names("repositoryName", "descending")).toEqual(["zeta", "mid", "app", "alpha", "Upper"]);
      const { repositories = [] } = await cc.send(
        new BatchGetRepositoriesCommand({ repositoryNames: ["Upper", "alpha", "app", "mid", "zeta"] }),
      );
      const byDate = repositories
        .map((r) => [r.lastModifiedDate!.getTime(), r.repositoryName!] as const)
        .sort(([t1, n1], [t2, n2]) => t1 - t2 || (n1 < n2 ? -1 : n1 > n2 ? 1 : 0))
        .map(([, name]) => name);
      expect(await names("lastModifiedDate", "ascending")).toEqual(byDate);
      expect(await names("lastModifiedDate", "descending")).toEqual([...byDate].reverse());
    });

    it("refuses an offset token", async () => {
      await expect(
        cc.send(new ListRepositoriesCommand({ nextToken: offsetToken("repos:repositoryName:ascending", 1) })),
      ).rejects.toMatchObject({ name: "InvalidContinuationTokenException" });
    });

    it("ListTagsForResource and GetRepositoryTriggers read one repository", async () => {
      const arn = `arn:aws:codecommit:${server.config.region}:${server.config.accountId}:mid`;
      await planOf("ListTagsForResource", () =>
        cc.send(new ListTagsForResourceCommand({ resourceArn: arn })),
      );
      await planOf("GetRepositoryTriggers", () =>
        cc.send(new GetRepositoryTriggersCommand({ repositoryName: "mid" })),
      );
    });
  });

  describe("pull requests", () => {
    const filters = [
      ["no filter", {}],
      ["status", { pullRequestStatus: "OPEN" }],
      ["author", { authorArn: ROOT }],
      ["author and status", { authorArn: ROOT, pullRequestStatus: "CLOSED" }],
    ] as const;

    it.each(filters)(
      "ListPullRequests with %s reads one page, with and without a token",
      async (_, filter) => {
        let first: { nextToken?: string } = {};
        await planOf("ListPullRequests", async () => {
          first = await cc.send(
            new ListPullRequestsCommand({ repositoryName: "app", maxResults: 1, ...filter }),
          );
        });
        if (first.nextToken !== undefined) {
          await planOf("ListPullRequests", () =>
            cc.send(
              new ListPullRequestsCommand({
                repositoryName: "app",
                maxResults: 1,
                nextToken: first.nextToken,
                ...filter,
              }),
            ),
          );
        }
      },
    );

    it("walks pull requests newest first, one a page, with each filter", async () => {
      const list = (filter: object) =>
        walk(async (nextToken) => {
          const out = await cc.send(
            new ListPullRequestsCommand({ repositoryName: "app", maxResults: 1, nextToken, ...filter }),
          );
          return { items: out.pullRequestIds, nextToken: out.nextToken };
        });
      const [one, two, three, four] = prIds as [string, string, string, string];
      const whole = async (filter: object) =>
        (await cc.send(new ListPullRequestsCommand({ repositoryName: "app", ...filter }))).pullRequestIds;
      for (const [, filter] of filters) expect(await list(filter)).toEqual(await whole(filter));
      expect((await list({})).slice(-4)).toEqual([four, three, two, one]);
      expect(await list({ authorArn: reviewer.arn })).toEqual([four, two]);
      const closed = await list({ pullRequestStatus: "CLOSED" });
      expect(closed).toContain(three);
      expect(closed).not.toContain(one);
      expect(await list({ authorArn: ROOT, pullRequestStatus: "OPEN" })).toContain(one);
    });

    it("refuses an offset token", async () => {
      await expect(
        cc.send(
          new ListPullRequestsCommand({
            repositoryName: "app",
            nextToken: offsetToken(`prs:${work.repositoryId}::`, 1),
          }),
        ),
      ).rejects.toMatchObject({ name: "InvalidContinuationTokenException" });
    });

    const eventFilters = [
      ["no filter", {}],
      ["type", { pullRequestEventType: "PULL_REQUEST_CREATED" }],
      ["actor", { actorArn: ROOT }],
      ["type and actor", { pullRequestEventType: "PULL_REQUEST_STATUS_CHANGED", actorArn: ROOT }],
    ] as const;

    it.each(eventFilters)("DescribePullRequestEvents with %s reads one page", async (_, filter) => {
      let first: { nextToken?: string } = {};
      await planOf("DescribePullRequestEvents", async () => {
        first = await cc.send(
          new DescribePullRequestEventsCommand({ pullRequestId: prIds[2], maxResults: 1, ...filter }),
        );
      });
      if (first.nextToken !== undefined) {
        await planOf("DescribePullRequestEvents", () =>
          cc.send(
            new DescribePullRequestEventsCommand({
              pullRequestId: prIds[2],
              maxResults: 1,
              nextToken: first.nextToken,
              ...filter,
            }),
          ),
        );
      }
    });

    it("walks pull request events in order, one a page", async () => {
      const all = await walk(async (nextToken) => {
        const out = await cc.send(
          new DescribePullRequestEventsCommand({ pullRequestId: prIds[2], maxResults: 1, nextToken }),
        );
        return { items: out.pullRequestEvents, nextToken: out.nextToken };
      });
      const whole = await cc.send(new DescribePullRequestEventsCommand({ pullRequestId: prIds[2] }));
      expect(all).toEqual(whole.pullRequestEvents);
      expect(all.map((e) => e.pullRequestEventType)).toEqual([
        "PULL_REQUEST_CREATED",
        "PULL_REQUEST_STATUS_CHANGED",
      ]);
      await expect(
        cc.send(
          new DescribePullRequestEventsCommand({
            pullRequestId: prIds[2],
            nextToken: offsetToken(`pr-events:${prIds[2]}::`, 1),
          }),
        ),
      ).rejects.toMatchObject({ name: "InvalidContinuationTokenException" });
    });
  });

  describe("comments", () => {
    const filters = [
      ["no filter", {}],
      ["commits", { repositoryName: "app", beforeCommitId: "", afterCommitId: "" }],
    ] as const;
    const input = (filter: (typeof filters)[number][1]) =>
      "repositoryName" in filter
        ? { ...filter, beforeCommitId: mainCommit, afterCommitId: featureCommit }
        : {};

    it.each(filters)("GetCommentsForPullRequest with %s reads one page", async (_, filter) => {
      let first: { nextToken?: string } = {};
      await planOf("GetCommentsForPullRequest", async () => {
        first = await cc.send(
          new GetCommentsForPullRequestCommand({ pullRequestId: prIds[0], maxResults: 3, ...input(filter) }),
        );
      });
      expect(first.nextToken).toBeDefined();
      await planOf("GetCommentsForPullRequest", () =>
        cc.send(
          new GetCommentsForPullRequestCommand({
            pullRequestId: prIds[0],
            maxResults: 3,
            nextToken: first.nextToken,
            ...input(filter),
          }),
        ),
      );
    });

    it("walks comments in the order they were posted, three a page", async () => {
      const all = await walk(async (nextToken) => {
        const out = await cc.send(
          new GetCommentsForPullRequestCommand({ pullRequestId: prIds[0], maxResults: 3, nextToken }),
        );
        return {
          items: out.commentsForPullRequestData?.flatMap((d) => d.comments ?? []),
          nextToken: out.nextToken,
        };
      });
      expect(all.map((c) => c.content)).toEqual(
        Array.from({ length: 5 }, (_, i) => [`comment ${i}`, `reply ${i}`]).flat(),
      );
      await expect(
        cc.send(
          new GetCommentsForPullRequestCommand({
            pullRequestId: prIds[0],
            nextToken: offsetToken(`pr-comments:${prIds[0]}::`, 3),
          }),
        ),
      ).rejects.toMatchObject({ name: "InvalidContinuationTokenException" });
    });
  });
});
