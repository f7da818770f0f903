import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, browserUnavailable, launchBrowser } from "../support/browser.js";
import { freePort } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { startProjectAgent, type ProjectAgent } from "./templates-support.js";

const unavailable = browserUnavailable();

/**
 * The newcomer's path, in the distribution's Chromium: sign in with the link, Create project from
 * the Static web site template, run the agent command the page shows, watch the pipeline's first
 * release reach the machine, and open the app at the address the page gives.
 */
describe.skipIf(unavailable !== undefined)("a project from a template in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let agent: ProjectAgent | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await server?.stop();
  });

  it("refuses a name no resource accepts, at the field, with the rule", async () => {
    await page.goto(server.console.signInLink());
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
    await page.getByRole("link", { name: "Create project" }).first().click();
    await page.getByRole("heading", { name: "Create project" }).first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel("Project name").fill("My Site");
    await page.getByRole("button", { name: "Create project" }).click();
    await page
      .getByText(/lowercase letters, digits and hyphens, starting and ending/)
      .first()
      .waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("creates everything in one submit, and the first release reaches the agent the page names", async () => {
    const started = Date.now();
    const port = await freePort();
    await page.getByRole("radio", { name: /Static web site/ }).check();
    await page.getByLabel("Project name").fill("my-site");
    await page.getByLabel("Port").fill(String(port));
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: "Next steps" }).waitFor({ timeout: 30_000 });
    for (const resource of [
      "CodeCommit repository my-site",
      "S3 bucket pipewright-my-site-artifacts",
      "CodePipeline pipeline my-site",
    ])
      await page.getByText(`${resource}: Created`, { exact: true }).first().waitFor();
    const command = (await page.getByTestId("agent-command").innerText()).trim();
    expect(command).toBe(
      `APP_PORT=${port} pipewright agent --endpoint ${server.url} --name my-site-1 ` +
        `--root /tmp/pipewright-agents/my-site-1 --tags pipewright:project=my-site,pipewright:app=127.0.0.1:${port}`,
    );
    const appUrl = (await page.getByTestId("app-url").innerText()).trim();
    expect(appUrl).toBe(`http://127.0.0.1:${port}/`);
    await page
      .getByText(/^Waiting for the agent to register/)
      .first()
      .waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    agent = startProjectAgent(command, server, "my-site");
    // The page lets the release go on to Deploy once the agent is there.
    await page
      .getByText("Machine my-site-1 registered: the release goes on to Deploy", { exact: true })
      .first()
      .waitFor({ timeout: 60_000 });

    await page.getByRole("link", { name: "Pipeline my-site" }).click();
    const deploy = page.getByLabel("Action Deploy", { exact: true });
    await deploy.waitFor();
    await deploy
      .getByText("Succeeded")
      .first()
      .waitFor({ timeout: 90_000 })
      .catch((err: unknown) => {
        throw new Error(`${String(err)}\nagent:\n${agent?.agent.output()}`);
      });
    await page.goto(appUrl);
    await page.getByRole("heading", { name: "Hello from my-site!" }).waitFor();
    expect(await page.title()).toBe("my-site");
    const seconds = (Date.now() - started) / 1000;
    console.log(`Create project to the app in the browser: ${seconds.toFixed(1)} s`);
    expect(pageErrors).toEqual([]);
  }, 150_000);
});
