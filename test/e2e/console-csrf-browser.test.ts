import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CodeCommitClient, ListRepositoriesCommand } from "@aws-sdk/client-codecommit";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchBrowser } from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/server.js";

const unavailable = browserUnavailable();

/**
 * A signed-in console user visits another site, which tries to act with their session: a form
 * posted to the console's API (the cookie goes along: another port of 127.0.0.1 is the same site)
 * and a script's fetch. Neither may change anything. Then the console is walked with the keyboard.
 */
describe.skipIf(unavailable !== undefined)("the console against cross-site requests, and by keyboard", () => {
  let server: TestServer;
  let attacker: Server;
  let attackerUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cc: CodeCommitClient;
  const repositories = async () =>
    ((await cc.send(new ListRepositoriesCommand({}))).repositories ?? []).map((r) => r.repositoryName);

  beforeAll(async () => {
    server = await startTestServer();
    cc = new CodeCommitClient(server.clientConfig);
    const api = `${server.url}/_/console/api`;
    // The attacker's pages: a form whose text/plain body is the JSON of CreateRepository, and a
    // script that sends it with the console's header and the user's cookie.
    const pages: Record<string, string> = {
      "/form": `<!doctype html><title>win a prize</title>
        <form method="POST" action="${api}" enctype="text/plain">
          <input type="hidden" name='{"repositoryName":"pwned-by-form","x":"' value='"}'>
        </form>
        <script>document.forms[0].submit()</script>`,
      "/fetch": `<!doctype html><title>win a prize</title><script>
        window.result = fetch(${JSON.stringify(api)}, {
          method: "POST",
          credentials: "include",
          headers: {
            "X-Pipewright-Console": "1",
            "X-Amz-Target": "CodeCommit_20150413.CreateRepository",
            "Content-Type": "application/x-amz-json-1.1",
          },
          body: JSON.stringify({ repositoryName: "pwned-by-fetch" }),
        }).then((r) => "status " + r.status, (e) => "blocked: " + e.message);
      </script>`,
    };
    attacker = createServer((request, response) => {
      response.setHeader("content-type", "text/html");
      response.end(pages[request.url ?? ""] ?? "not found");
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
    await page.goto(server.console.signInLink());
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
  }, 60_000);
  afterAll(async () => {
    cc?.destroy();
    await browser?.close();
    attacker?.close();
    await server?.stop();
  });

  it("refuses a form another site posts with the user's session", async () => {
    const [response] = await Promise.all([
      // The form's own request: the Dashboard just left may still have its queries in flight.
      page.waitForResponse(
        (r) => r.url().endsWith("/_/console/api") && (r.request().postData() ?? "").includes("pwned-by-form"),
      ),
      page.goto(`${attackerUrl}/form`),
    ]);
    expect(response.status()).toBe(403);
    expect(await repositories()).not.toContain("pwned-by-form");
  });

  it("refuses another site's script, even with the console's header", async () => {
    await page.goto(`${attackerUrl}/fetch`);
    const result = await page.evaluate<string>("window.result");
    // The custom header needs a CORS preflight, which this server never grants.
    expect(result).toMatch(/^blocked/);
    expect(await repositories()).not.toContain("pwned-by-fetch");
    // The session itself is untouched: the console still works.
    await page.goto(`${server.url}/_/console/`);
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
  });

  it("is usable from the keyboard: tab to a field, submit with Enter, follow a link, open and close a menu", async () => {
    await page.goto(`${server.url}/_/console/repositories/create`);
    const name = page.getByLabel("Repository name");
    await name.waitFor();
    // Tab from the top of the page reaches the form's first field, in order, without the mouse.
    await page.keyboard.press("Tab");
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      reached = await name.evaluate(
        (el: { ownerDocument: { activeElement: unknown } }) => el === el.ownerDocument.activeElement,
      );
      if (!reached) await page.keyboard.press("Tab");
    }
    expect(reached).toBe(true);
    await page.keyboard.type("typed-here");
    await page.keyboard.press("Enter");
    await page.getByRole("table").getByText("typed-here", { exact: true }).waitFor();
    expect(await repositories()).toContain("typed-here");
    // A link in the side navigation, focused and followed with Enter.
    const pipelines = page.getByRole("link", { name: "Pipelines", exact: true }).first();
    await pipelines.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/_\/console\/codepipeline\/pipelines$/);
    // The account menu opens from the keyboard and closes with Escape.
    await page.getByRole("button", { name: /arn:aws:iam::/ }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("menuitem", { name: "Sign out" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("menuitem", { name: "Sign out" }).waitFor({ state: "hidden" });
  });
});
