import { CodeBuildClient, CreateProjectCommand } from "@aws-sdk/client-codebuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, browserUnavailable, openSignedInConsole } from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/server.js";

const unavailable = browserUnavailable();

/** A NO_SOURCE project whose build runs `commands`. */
function project(name: string, commands: string[]) {
  return new CreateProjectCommand({
    name,
    source: {
      type: "NO_SOURCE",
      buildspec: `version: 0.2\nphases:\n  build:\n    commands:\n${commands.map((c) => `      - ${JSON.stringify(c)}\n`).join("")}`,
    },
    artifacts: { type: "NO_ARTIFACTS" },
    environment: {
      type: "LINUX_CONTAINER",
      image: "aws/codebuild/standard:7.0",
      computeType: "BUILD_GENERAL1_SMALL",
    },
    serviceRole: "arn:aws:iam::000000000000:role/codebuild",
  });
}

/**
 * Builds in the console, in the distribution's Chromium: start a build from its project's page and
 * watch its log arrive while it runs (pushed, with ANSI colours, searchable), then its phases; a
 * failed build shows why.
 */
describe.skipIf(unavailable !== undefined)("builds in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    const codebuild = new CodeBuildClient(server.clientConfig);
    await codebuild.send(
      project("live", [
        "echo first line",
        "printf '\\033[31mred words\\033[0m\\n'",
        // Long enough for the page to show the first lines before the last one exists.
        "sleep 4",
        "echo last line",
      ]),
    );
    await codebuild.send(project("broken", ["echo about to fail", "exit 3"]));
    codebuild.destroy();
    ({ browser, page } = await openSignedInConsole(server.console.signInLink(), pageErrors));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("starts a build from its project and shows its log lines as they are written", async () => {
    await page.goto(`${server.url}/_/console/codebuild/projects`);
    await page.getByRole("link", { name: "live", exact: true }).click();
    await page.getByRole("button", { name: "Start build" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Start build" }).click();
    await expect
      .poll(() => new URL(page.url()).pathname)
      .toMatch(/^\/_\/console\/codebuild\/builds\/live%3A/);
    const log = page.getByRole("log", { name: "Build log" });
    await log.getByText("first line", { exact: true }).waitFor();
    // Shown while the build still runs: the last line does not exist yet.
    expect(await log.getByText("last line", { exact: true }).count()).toBe(0);
    const red = log.getByText("red words", { exact: true });
    expect(await red.getAttribute("class")).toContain("ansi-fg-red");
    expect(await red.textContent()).toBe("red words");
    // Then it arrives without a reload, and the build ends.
    await log.getByText("last line", { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByText("Succeeded").first().waitFor({ timeout: 10_000 });
    await page.getByRole("rowheader", { name: "BUILD" }).first().waitFor();
    // Search is case-insensitive: the command and its output match, nothing else stays.
    await page.getByLabel("Search the log").fill("LAST LINE");
    await page.getByText("2 matches").first().waitFor();
    expect(await log.getByText("first line", { exact: true }).count()).toBe(0);
    expect(await log.getByText("last line", { exact: true }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);

  it("shows a failed build with the reason its phase failed", async () => {
    await page.goto(`${server.url}/_/console/codebuild/projects/broken`);
    await page.getByRole("button", { name: "Start build" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Start build" }).click();
    await page.getByRole("log", { name: "Build log" }).getByText("about to fail", { exact: true }).waitFor();
    await page.getByText("Failed").first().waitFor({ timeout: 20_000 });
    await page
      .getByText(/exit status 3/)
      .first()
      .waitFor();
    // COMPLETED marks the end of the build: it has no duration of its own, not the time since.
    const completed = page
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "COMPLETED" }) });
    expect((await completed.getByRole("cell").allInnerTexts()).map((t) => t.trim())).toEqual(["-", "-", "-"]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
