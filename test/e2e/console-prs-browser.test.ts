import {
  CodeCommitClient,
  CreatePullRequestCommand,
  GetBranchCommand,
  GetCommentsForPullRequestCommand,
  GetPullRequestCommand,
} from "@aws-sdk/client-codecommit";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  chooseOption,
  browserUnavailable,
  openSignedInConsole,
} from "../support/browser.js";
import { addTestPrincipal, type TestPrincipal } from "../support/principals.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { repositoryWithMain, type WorkTree } from "./codecommit-pr-support.js";

const unavailable = browserUnavailable();

const XSS = "<script>window.__pwned=1</script>";

/**
 * Pull requests in the console, in the distribution's Chromium: one created from the page with its
 * diff, commented on, approved by a second principal under an approval rule and squash-merged; a
 * conflicting one whose three-way merge lists the conflicting file and cannot be merged.
 */
describe.skipIf(unavailable !== undefined)("pull requests in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let reviewerContext: BrowserContext;
  let reviewerPage: Page;
  let reviewer: TestPrincipal;
  let work: WorkTree;
  let cc: CodeCommitClient;
  let mainBefore: string;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    cc = new CodeCommitClient(server.clientConfig);
    work = await repositoryWithMain(server, cc, "shop", {
      "app.txt": "line one\nline two\nline three\nline four\nline five\nline six\n",
      "README.md": "# Shop\n",
    });
    work.checkout("feature-clean", "main");
    work.commit({ "README.md": "# Shop\nSells things.\n", "NEW.md": "new file\n" }, "Describe the shop");
    await work.push("feature-clean");
    work.checkout("feature-conflict", "main");
    work.commit(
      { "app.txt": "line one\nline two from the feature\nline three\nline four\nline five\nline six\n" },
      "Feature change",
    );
    await work.push("feature-conflict");
    work.checkout("main");
    work.commit(
      { "app.txt": "line one\nline two on main\nline three\nline four\nline five\nline six\n" },
      "Main change",
    );
    await work.push("main");
    mainBefore = work.bare("rev-parse", "refs/heads/main");
    reviewer = await addTestPrincipal(server, "reviewer");
    ({ browser, page } = await openSignedInConsole(server.console.signInLink(), pageErrors));
    reviewerContext = await browser.newContext();
    reviewerPage = await reviewerContext.newPage();
    reviewerPage.on("pageerror", (err) => pageErrors.push(err.message));
    await reviewerPage.goto(`${server.url}/_/console/signin`);
    await reviewerPage.getByLabel("Access key ID").fill(reviewer.accessKeyId);
    await reviewerPage.getByLabel("Secret access key").fill(reviewer.secretAccessKey);
    await reviewerPage.getByRole("button", { name: "Sign in" }).click();
    await reviewerPage.getByRole("heading", { name: "Dashboard" }).first().waitFor();
  }, 90_000);
  afterAll(async () => {
    cc?.destroy();
    work?.remove();
    await reviewerContext?.close();
    await browser?.close();
    await server?.stop();
  });

  let prUrl = "";

  it("creates a pull request from the page, with AWS's errors at the field and the branch diff", async () => {
    await page.goto(`${server.url}/_/console/repositories`);
    await page.getByRole("link", { name: "Pull requests of shop" }).click();
    await page.getByRole("heading", { name: "Pull requests" }).first().waitFor();
    await page.getByText("No open pull requests").filter({ visible: true }).first().waitFor();
    await page.getByRole("link", { name: "Create pull request" }).first().click();
    await page.getByRole("heading", { name: "Create pull request" }).first().waitFor();

    // Same branch on both sides: AWS's message at the source field.
    await chooseOption(page.getByRole("button", { name: /^Source/ }), "main");
    await page.getByLabel("Title").fill("Same branch");
    await page.getByRole("button", { name: "Create pull request" }).click();
    await page
      .getByText(/use different branches/)
      .filter({ visible: true })
      .first()
      .waitFor();

    await chooseOption(page.getByRole("button", { name: /^Source/ }), "feature-clean");
    await page.getByRole("button", { name: "Compare" }).click();
    await page
      .getByText(/^Mergeable/)
      .filter({ visible: true })
      .first()
      .waitFor();
    await page.getByText("NEW.md", { exact: true }).filter({ visible: true }).first().waitFor();
    await page.getByLabel("Title").fill("");
    await page.getByRole("button", { name: "Create pull request" }).click();
    await page.getByText(/title/i).filter({ visible: true }).first().waitFor();
    expect(await page.getByRole("heading", { name: "Create pull request" }).count()).toBeGreaterThan(0);

    await page.getByLabel("Title").fill("Describe the shop");
    await page.getByLabel("Description - optional").fill("Says what the shop <b>sells</b>.");
    await page.getByRole("button", { name: "Create pull request" }).click();
    await page.getByRole("heading", { name: /: Describe the shop$/ }).waitFor();
    prUrl = page.url();
    expect(prUrl).toMatch(/\/_\/console\/repositories\/shop\/pull-requests\/\d+$/);
    await page
      .getByText("Says what the shop <b>sells</b>.", { exact: true })
      .filter({ visible: true })
      .first()
      .waitFor();

    // The Changes tab: the line diff with markers, not only colour.
    const diff = page.getByRole("region", { name: "Changes to README.md" });
    await diff.getByText("Sells things.").waitFor();
    // Each line carries its "+", "-" or " " marker in its text.
    const added = diff.locator(".pw-diff-added", { hasText: "Sells things." });
    expect(await added.textContent()).toMatch(/^2\+Sells things\.$/);
    expect(await diff.locator(".pw-diff-context", { hasText: "# Shop" }).textContent()).toMatch(
      /^11 # Shop$/,
    );
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("posts a comment, shown as text", async () => {
    await page.getByRole("tab", { name: "Activity" }).click();
    await page.getByText("No comments on this pull request yet.").waitFor();
    await page.getByLabel("New comment").fill(`Looks good ${XSS}`);
    await page.getByRole("button", { name: "Comment", exact: true }).click();
    await page.getByText(`Looks good ${XSS}`, { exact: true }).filter({ visible: true }).first().waitFor();
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("replies to a comment, in its thread and under it", async () => {
    await page
      .getByRole("button", { name: /^Reply to / })
      .first()
      .click();
    await page.getByRole("textbox", { name: /^Reply to / }).fill(`Thanks ${XSS}`);
    await page.getByRole("button", { name: "Reply", exact: true }).click();
    const reply = page.getByText(`Thanks ${XSS}`, { exact: true }).filter({ visible: true }).first();
    await reply.waitFor();
    expect(await page.getByRole("textbox", { name: /^Reply to / }).count()).toBe(0);
    // Shown after the comment it answers, and stored as a reply to it.
    const first = page.getByText(`Looks good ${XSS}`, { exact: true }).filter({ visible: true }).first();
    expect((await reply.boundingBox())!.y).toBeGreaterThan((await first.boundingBox())!.y);
    await page
      .getByText(/replied/)
      .first()
      .waitFor();
    const id = prUrl.slice(prUrl.lastIndexOf("/") + 1);
    const { commentsForPullRequestData } = await cc.send(
      new GetCommentsForPullRequestCommand({ pullRequestId: id }),
    );
    const comments = commentsForPullRequestData?.flatMap((thread) => thread.comments ?? []) ?? [];
    const original = comments.find((c) => c.content === `Looks good ${XSS}`);
    expect(comments.find((c) => c.content === `Thanks ${XSS}`)?.inReplyTo).toBe(original?.commentId);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("adds an approval rule; the author may not approve, a reviewer does and the rule is satisfied", async () => {
    await page.getByRole("tab", { name: "Approvals" }).click();
    await page.getByRole("button", { name: "Create approval rule" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Approval rule name").fill("one-reviewer");
    await dialog.getByLabel("Number of approvals needed").fill("1");
    await dialog.getByLabel("Approval pool members - optional").fill("not-an-arn");
    await dialog.getByRole("button", { name: "Create" }).click();
    await dialog
      .getByText(/ApprovalPoolMembers\[0\]/)
      .filter({ visible: true })
      .first()
      .waitFor();
    await dialog
      .getByLabel("Approval pool members - optional")
      .fill(`arn:aws:iam::${server.config.accountId}:user/*`);
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.getByText("one-reviewer", { exact: true }).filter({ visible: true }).first().waitFor();
    await page.getByText("Rule not satisfied", { exact: true }).filter({ visible: true }).first().waitFor();

    // AWS does not let the author approve their own pull request.
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await page
      .getByText(/cannot approve/)
      .filter({ visible: true })
      .first()
      .waitFor();

    await reviewerPage.goto(prUrl);
    await reviewerPage.getByRole("tab", { name: "Approvals" }).click();
    await reviewerPage.getByRole("button", { name: "Approve", exact: true }).click();
    await reviewerPage.getByRole("button", { name: "Revoke approval" }).waitFor();
    await reviewerPage
      .getByText("Rule satisfied", { exact: true })
      .filter({ visible: true })
      .first()
      .waitFor();
    await reviewerPage
      .getByText("user/reviewer", { exact: true })
      .filter({ visible: true })
      .first()
      .waitFor();
    expect(await accessibilityViolations(reviewerPage)).toEqual([]);

    await page.getByText("Rule satisfied", { exact: true }).filter({ visible: true }).first().waitFor();

    // A second rule, deleted again.
    await page.getByRole("button", { name: "Create approval rule" }).click();
    await dialog.getByLabel("Approval rule name").fill("two-reviewers");
    await dialog.getByLabel("Number of approvals needed").fill("2");
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.getByText("two-reviewers", { exact: true }).filter({ visible: true }).first().waitFor();
    await page.getByRole("button", { name: "Delete approval rule two-reviewers" }).click();
    await page
      .getByText("two-reviewers", { exact: true })
      .filter({ visible: true })
      .first()
      .waitFor({ state: "detached" });
  });

  it("squash-merges the pull request and moves the destination branch", async () => {
    await page.getByRole("tab", { name: "Merge" }).click();
    await page.getByRole("radio", { name: /Squash and merge/ }).check();
    await page.getByLabel("Commit message - optional").fill("Describe the shop (squashed)");
    await page.getByLabel("Author name - optional").fill("Console User");
    await page.getByLabel("Email address - optional").fill("console@example.com");
    await page.getByRole("button", { name: "Merge pull request" }).click();
    await page.getByText("Merged", { exact: true }).filter({ visible: true }).first().waitFor();
    const { branch } = await cc.send(new GetBranchCommand({ repositoryName: "shop", branchName: "main" }));
    expect(branch?.commitId).not.toBe(mainBefore);
    expect(work.bare("log", "-1", "--format=%s%n%an", "refs/heads/main")).toBe(
      "Describe the shop (squashed)\nConsole User",
    );
    const id = prUrl.slice(prUrl.lastIndexOf("/") + 1);
    const { pullRequest } = await cc.send(new GetPullRequestCommand({ pullRequestId: id }));
    expect(pullRequest?.pullRequestTargets?.[0]?.mergeMetadata?.isMerged).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("lists the conflicting file of a three-way merge and does not merge", async () => {
    const { pullRequest } = await cc.send(
      new CreatePullRequestCommand({
        title: "Conflicting change",
        targets: [
          { repositoryName: "shop", sourceReference: "feature-conflict", destinationReference: "main" },
        ],
      }),
    );
    await page.goto(`${server.url}/_/console/repositories/shop/pull-requests`);
    await page.getByRole("link", { name: "Conflicting change" }).click();
    await page.getByRole("heading", { name: /: Conflicting change$/ }).waitFor();
    await page.getByRole("tab", { name: "Merge" }).click();
    await page.getByRole("radio", { name: /Three-way merge/ }).check();
    await page.getByText("1 conflicting file", { exact: true }).filter({ visible: true }).first().waitFor();
    await page.getByText("app.txt", { exact: true }).filter({ visible: true }).first().click();
    await page
      .getByRole("region", { name: "Source: app.txt" })
      .getByText(/line two from the feature/)
      .waitFor();
    await page
      .getByRole("region", { name: "Destination: app.txt" })
      .getByText(/line two on main/)
      .waitFor();
    expect(await page.getByRole("button", { name: "Merge pull request" }).isDisabled()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    const after = await cc.send(new GetPullRequestCommand({ pullRequestId: pullRequest!.pullRequestId! }));
    expect(after.pullRequest?.pullRequestStatus).toBe("OPEN");

    // Closing it from the page.
    await page.getByRole("button", { name: "Close pull request" }).click();
    await page.getByText("Closed", { exact: true }).filter({ visible: true }).first().waitFor();
    expect(pageErrors).toEqual([]);
  });
});
