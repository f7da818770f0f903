import {
  CodeCommitClient,
  CreateRepositoryCommand,
  UpdateRepositoryDescriptionCommand,
} from "@aws-sdk/client-codecommit";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, browserUnavailable, launchBrowser } from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/server.js";

const unavailable = browserUnavailable();

/**
 * The console in a real browser (the distribution's Chromium, driven by Playwright): signing in
 * with the printed link and with a key, the dashboard, creating a repository with AWS's validation
 * messages at the field, escaping what repositories hold, accessibility, and sign-out.
 */
describe.skipIf(unavailable !== undefined)("the console in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cc: CodeCommitClient;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    cc = new CodeCommitClient(server.clientConfig);
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    cc?.destroy();
    await server?.stop();
  });

  it("opens the console at the server's address and signs in with the one-time link", async () => {
    await page.goto(server.url);
    await expect.poll(() => new URL(page.url()).pathname).toBe("/_/console/signin");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    // The printed link, opened as a person opens it: in a new tab.
    await page.close();
    page = await context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(server.console.signInLink());
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
    // The token left the address bar as soon as the page read it.
    expect(page.url()).not.toContain("token=");
    // Its four panels stand apart, as the AWS console spaces its containers, not edge to edge.
    const panels = ["Repositories", "Pipelines", "Recent builds", "Deployments in progress"];
    await page.getByRole("heading", { name: panels[3] }).waitFor();
    const heading = (name: string) => page.getByRole("heading", { level: 2, name, exact: true });
    // Each panel's outermost element: the first (so outermost) element that holds its heading alone.
    const boxes = await Promise.all(
      panels.map((name) =>
        panels
          .filter((other) => other !== name)
          .reduce(
            (found, other) => found.filter({ hasNot: heading(other) }),
            page.locator("div").filter({ has: heading(name) }),
          )
          .first()
          .boundingBox(),
      ),
    );
    const gaps = boxes.slice(1).map((box, i) => box!.y - (boxes[i]!.y + boxes[i]!.height));
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(8);
    const cookies = await context.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: "pipewright-console", httpOnly: true, sameSite: "Strict" }),
    ]);
    // The page's script cannot read the session.
    expect(await page.evaluate("document.cookie")).toBe("");
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("creates a repository, with AWS's validation message at the field", async () => {
    await page.goto(`${server.url}/_/console/repositories/create`);
    const name = page.getByLabel("Repository name");
    await name.fill("has spaces");
    const create = page.getByRole("button", { name: "Create", exact: true });
    await create.click();
    // The server's own message, at the field it concerns, and tied to the input for screen readers.
    const error = page.getByText('repositoryName "has spaces" is not valid');
    await error.waitFor();
    const errorId = await error.evaluate(
      (el: { closest(s: string): { id: string } | null }) => el.closest("[id]")?.id,
    );
    expect(await name.getAttribute("aria-describedby")).toContain(errorId);
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    expect(await accessibilityViolations(page)).toEqual([]);
    await name.fill("web-app");
    await page.getByLabel(/Description/).fill("made in the browser");
    await create.click();
    const table = page.getByRole("table");
    await table.getByText("web-app", { exact: true }).waitFor();
    await table.getByText("made in the browser", { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/_/console/repositories");
  });

  it("shows what repositories hold as text, never as markup", async () => {
    await cc.send(new CreateRepositoryCommand({ repositoryName: "hostile" }));
    const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
    await cc.send(
      new UpdateRepositoryDescriptionCommand({ repositoryName: "hostile", repositoryDescription: payload }),
    );
    await page.goto(`${server.url}/_/console/repositories`);
    await page.getByText(payload).first().waitFor();
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    await page.goto(`${server.url}/_/console/`);
    await page.getByRole("link", { name: "hostile" }).first().waitFor();
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
  });

  it("signs out, and signs in again with an access key from the keyboard", async () => {
    await page.goto(`${server.url}/_/console/`);
    await page.getByRole("button", { name: /arn:aws:iam::/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await context.cookies()).toEqual([]);
    // The old session is gone on the server too: the API refuses it.
    const response = await page.evaluate(async () => {
      const r = await fetch("/_/console/session");
      return r.status;
    });
    expect(response).toBe(401);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel("Access key ID").focus();
    await page.keyboard.type(server.credentials.accessKeyId);
    await page.keyboard.press("Tab");
    await page.keyboard.type("wrong-secret");
    await page.keyboard.press("Enter");
    await page
      .getByText(/not right/)
      .first()
      .waitFor();
    await page.getByLabel("Secret access key").fill(server.credentials.secretAccessKey);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
    expect(pageErrors).toEqual([]);
  });
});
