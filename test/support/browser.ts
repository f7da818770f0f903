import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { DEFAULT_WEB_DIR } from "../../src/http/console/static-files.js";

/** The distribution's Chromium (the Debian `chromium` package); no browser is downloaded. */
export const CHROMIUM = process.env.PIPEWRIGHT_TEST_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Why browser tests cannot run here, or undefined when they can: they need Chromium and the built
 * console (`npm run build`). `PIPEWRIGHT_TEST_BROWSER=required` (set by the test command) turns a
 * reason into a failure instead of a skip.
 */
export function browserUnavailable(): string | undefined {
  const reason = !existsSync(CHROMIUM)
    ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
    : !existsSync(path.join(DEFAULT_WEB_DIR, "index.html"))
      ? `the console is not built (${DEFAULT_WEB_DIR}): run npm run build`
      : undefined;
  if (reason && process.env.PIPEWRIGHT_TEST_BROWSER === "required") throw new Error(reason);
  return reason;
}

/** Headless Chromium. Root (CI) cannot use Chromium's own sandbox, hence `--no-sandbox` there. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page as it is now, as readable lines. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const results = await page.evaluate<AxeResults>("window.axe.run()");
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

interface AxeResults {
  violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: string[] }> }>;
}

/**
 * A browser with one page signed in to a test server's console through its one-time link, on the
 * Dashboard. Errors the page's scripts throw are collected in `pageErrors`.
 */
export async function openSignedInConsole(
  signInLink: string,
  pageErrors: string[],
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchBrowser();
  const page = await browser.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(signInLink);
  await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
  return { browser, page };
}

/**
 * Picks `option` in a Cloudscape Select and waits until the select shows it. Cloudscape resolves a
 * click on an option by its index when the mouse button comes up, so a list re-rendered in between
 * (its data refetched as a pushed change arrives) can lose the click on a busy machine: the pick is
 * made again, up to three times, until the select shows it.
 */
export async function chooseOption(select: Locator, option: string): Promise<void> {
  const page = select.page();
  for (let attempt = 1; ; attempt++) {
    const item = page.getByRole("option", { name: option });
    if (!(await item.first().isVisible())) await select.click();
    await item.first().click();
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline) {
      if ((await select.innerText()).includes(option)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (attempt === 3) throw new Error(`the select still does not show ${option} after three picks`);
  }
}
