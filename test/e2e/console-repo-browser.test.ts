import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  chooseOption,
  browserUnavailable,
  openSignedInConsole,
} from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { cloneUrl, createGitCredential, GitClient } from "./codecommit-git-http-support.js";

const unavailable = browserUnavailable();

const HOSTILE_MESSAGE = "<script>window.__pwned=1</script> fix";
const HOSTILE_FILE = "<img src=x onerror=window.__pwned=2>.txt";

/**
 * Browsing a repository in the console, in the distribution's Chromium, after pushes with real git:
 * its files at a branch, a file's content, the history walked from the branch, a commit's diff,
 * the connection steps; names and messages that look like markup shown as text.
 */
describe.skipIf(unavailable !== undefined)("repositories in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let client: GitClient;
  let credential: { user: string; password: string };
  const pageErrors: string[] = [];
  /** API calls the pages made that failed: a file the listing named is read without asking GetFolder. */
  const failedCalls: string[] = [];
  let secondCommit = "";
  beforeAll(async () => {
    server = await startTestServer();
    const cc = new CodeCommitClient(server.clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "app", repositoryDescription: "The app" }));
    cc.destroy();
    credential = await createGitCredential(server);
    client = new GitClient(server.credentials, server.config.region, false);
    const work = client.dir("app");
    await client.ok(["clone", "-q", cloneUrl(server.url, "app", credential), work]);
    await client.commit(
      work,
      { "README.md": "# App\nHello readers\n", "src/main.txt": "line one\nline two\nline three\n" },
      "First commit",
    );
    await client.ok(["push", "-q", "origin", "HEAD:main"], work);
    secondCommit = await client.commit(
      work,
      { [HOSTILE_FILE]: "surprise\n", "src/main.txt": "line one\nline 2 changed\nline three\n" },
      HOSTILE_MESSAGE,
    );
    await client.ok(["push", "-q", "origin", "HEAD:main"], work);
    await client.ok(["switch", "-q", "-c", "feature"], work);
    await client.commit(work, { "feature-only.txt": "only on feature\n" }, "Feature work");
    await client.ok(["push", "-q", "origin", "feature"], work);

    ({ browser, page } = await openSignedInConsole(server.console.signInLink(), pageErrors));
    page.on("response", (response) => {
      if (response.url().endsWith("/_/console/api") && response.status() >= 400)
        failedCalls.push(`${response.request().headers()["x-amz-target"]} ${response.request().postData()}`);
    });
  }, 60_000);
  afterAll(async () => {
    client?.remove();
    await browser?.close();
    await server?.stop();
  });

  const pwned = () => page.evaluate("window.__pwned");

  it("lists the default branch's files with its README", async () => {
    await page.goto(`${server.url}/_/console/repositories/app`);
    await page.getByRole("heading", { name: "app", exact: true }).first().waitFor();
    await page.getByText("The app", { exact: true }).first().waitFor();
    await page.getByRole("link", { name: "README.md" }).waitFor();
    await page.getByRole("link", { name: HOSTILE_FILE }).waitFor();
    await page.getByText("Hello readers").first().waitFor();
    expect(await page.getByRole("link", { name: "feature-only.txt" }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(failedCalls).toEqual([]);
  });

  it("opens a folder and a file, with the file's content as numbered text", async () => {
    await page.goto(`${server.url}/_/console/repositories/app`);
    await page.getByRole("link", { name: "src", exact: true }).click();
    await page.getByRole("link", { name: "main.txt" }).click();
    const content = page.getByRole("region", { name: "Content of src/main.txt" });
    await content.waitFor();
    expect(await content.innerText()).toContain("line 2 changed");
    expect(page.url()).toBe(`${server.url}/_/console/repositories/app/browse/main/src/main.txt`);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The file named like markup opens as a file, its name shown as text.
    await page.goto(`${server.url}/_/console/repositories/app`);
    await page.getByRole("link", { name: HOSTILE_FILE }).click();
    await page.getByRole("region", { name: `Content of ${HOSTILE_FILE}` }).waitFor();
    expect(await pwned()).toBeUndefined();
    expect(failedCalls).toEqual([]);
  });

  it("switches to another branch with the branch selector", async () => {
    await page.goto(`${server.url}/_/console/repositories/app`);
    await page.getByRole("link", { name: "README.md" }).waitFor();
    await chooseOption(page.getByRole("button", { name: /Branch/ }), "feature");
    await page.getByRole("link", { name: "feature-only.txt" }).waitFor();
    expect(page.url()).toBe(`${server.url}/_/console/repositories/app/browse/feature`);
  });

  it("lists the commits from a branch, messages as text", async () => {
    await page.goto(`${server.url}/_/console/repositories/app/commits/main`);
    await page.getByText(HOSTILE_MESSAGE, { exact: true }).first().waitFor();
    await page.getByText("First commit", { exact: true }).first().waitFor();
    expect(await page.getByText("Feature work").count()).toBe(0);
    expect(await page.getByRole("link", { name: secondCommit.slice(0, 7) }).count()).toBe(1);
    expect(await pwned()).toBeUndefined();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("shows a commit with its diff against its parent", async () => {
    await page.goto(`${server.url}/_/console/repositories/app/commits/main`);
    await page.getByRole("link", { name: secondCommit.slice(0, 7) }).click();
    await page.getByRole("heading", { name: `Commit ${secondCommit.slice(0, 7)}` }).waitFor();
    await page.getByText(HOSTILE_MESSAGE, { exact: true }).first().waitFor();
    const changed = page.getByRole("region", { name: "Changes to src/main.txt" });
    await changed.waitFor();
    const text = await changed.innerText();
    expect(text).toContain("-line two");
    expect(text).toContain("+line 2 changed");
    expect(text).toContain("@@ -1,3 +1,3 @@");
    const added = page.getByRole("region", { name: `Changes to ${HOSTILE_FILE}` });
    expect(await added.innerText()).toContain("+surprise");
    expect(await pwned()).toBeUndefined();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("shows the connection steps with the clone URLs", async () => {
    await page.goto(`${server.url}/_/console/repositories/app`);
    await page.getByRole("button", { name: "Clone URL" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(`git clone ${server.url}/v1/repos/app`).first().waitFor();
    await dialog.getByText("credential-helper").first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await dialog.getByRole("tab", { name: "SSH" }).click();
    await dialog.getByText("upload-ssh-public-key").first().waitFor();
    const ssh = await dialog.getByRole("region", { name: "SSH clone command" }).innerText();
    expect(ssh).toMatch(/^git clone ssh:\/\/127\.0\.0\.1:\d+\/v1\/repos\/app$/);
    const port = /:(\d+)\//.exec(ssh)![1]!;
    expect(await dialog.getByRole("region", { name: "SSH configuration entry" }).innerText()).toContain(
      `Port ${port}`,
    );
  });

  it("creates a repository and shows a push to it", async () => {
    await page.goto(`${server.url}/_/console/repositories/create`);
    await page.getByLabel("Repository name").fill("fresh");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByRole("link", { name: "fresh", exact: true }).first().waitFor();
    await page.goto(`${server.url}/_/console/`);
    await page.getByRole("link", { name: "fresh", exact: true }).first().click();
    await page.getByText(/This repository is empty/).waitFor();

    const work = client.dir("fresh");
    await client.ok(["clone", "-q", cloneUrl(server.url, "fresh", credential), work]);
    await client.commit(work, { "hello.txt": "hi\n" }, "Hello");
    await client.ok(["push", "-q", "origin", "HEAD:main"], work);
    await page.getByRole("link", { name: "hello.txt" }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
