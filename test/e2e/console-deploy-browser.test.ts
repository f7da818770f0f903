import { CreateDeploymentCommand } from "@aws-sdk/client-codedeploy";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  chooseOption,
  browserUnavailable,
  launchBrowser,
} from "../support/browser.js";
import { type DeployHarness, type S3Revision, startDeployHarness } from "./codedeploy-support.js";

const unavailable = browserUnavailable();

/** An appspec running `script` for each of `hooks` (each hook's own copy, so the grid says which ran). */
function revisionFiles(hooks: Record<string, string>): Record<string, string> {
  const lines = ["version: 0.0", "os: linux", "hooks:"];
  const files: Record<string, string> = {};
  for (const [hook, script] of Object.entries(hooks)) {
    const name = `scripts/${hook.toLowerCase()}.sh`;
    lines.push(`  ${hook}:`, `    - location: ${name}`, "      timeout: 120");
    files[name] = `#!/bin/sh\n${script}\n`;
  }
  return { "appspec.yml": `${lines.join("\n")}\n`, ...files };
}

/**
 * CodeDeploy in the console, in the distribution's Chromium, against one real agent: the
 * applications, the deployment group with its instance, a deployment's instances × lifecycle events
 * grid filling in as it runs, a failed hook's log tail shown as text, and Stop and roll back.
 */
describe.skipIf(unavailable !== undefined)("CodeDeploy in the console", () => {
  let harness: DeployHarness;
  let browser: Browser;
  let page: Page;
  let groupName: string;
  let instance: string;
  const pageErrors: string[] = [];
  const revisions: Record<string, S3Revision> = {};

  beforeAll(async () => {
    harness = await startDeployHarness();
    const fleet = await harness.fleetOf(
      1,
      { autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_STOP_ON_REQUEST"] } },
      { once: false, killGraceSeconds: 1 },
    );
    groupName = fleet.groupName;
    instance = fleet.agents[0]!.name;
    revisions.good = await harness.upload(
      "good.tgz",
      revisionFiles({
        BeforeInstall: "sleep 2",
        AfterInstall: "sleep 2",
        ApplicationStart: "sleep 2",
        ValidateService: "echo healthy",
      }),
    );
    revisions.bad = await harness.upload(
      "bad.tgz",
      revisionFiles({
        ApplicationStart: "echo started",
        ValidateService: "echo 'health check failed: <script>window.__pwned = 1</script>'\nexit 1",
      }),
    );
    await harness.upload("quick.tgz", revisionFiles({ ValidateService: "echo quick" }));
    revisions.slow = await harness.upload("slow.tgz", revisionFiles({ ApplicationStart: "sleep 60" }));
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(harness.server.console.signInLink());
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  const deploy = async (revision: S3Revision) =>
    (
      await harness.cd.send(
        new CreateDeploymentCommand({ applicationName: "web", deploymentGroupName: groupName, revision }),
      )
    ).deploymentId!;
  const grid = () => page.getByRole("table", { name: "Lifecycle events by instance" });
  const headerStatus = (status: string) =>
    page.getByRole("status", { name: "Deployment status" }).getByText(status, { exact: true }).first();

  it("lists the applications, shows a deployment group's settings and its instance, and creates a deployment there", async () => {
    await page.goto(`${harness.server.url}/_/console/codedeploy/applications`);
    await page.getByRole("link", { name: "web", exact: true }).click();
    await page.getByRole("heading", { name: "Deployment groups" }).first().waitFor();
    await page.getByRole("link", { name: groupName, exact: true }).click();
    await page.getByRole("heading", { name: "Deployment group details" }).first().waitFor();
    for (const text of [
      "CodeDeployDefault.OneAtATime",
      "In place, without traffic control",
      "arn:aws:iam::000000000000:role/codedeploy",
      "Enabled: DEPLOYMENT_STOP_ON_REQUEST",
    ]) {
      await page.getByText(text, { exact: true }).first().waitFor();
    }
    const instances = page.getByRole("table").filter({ has: page.getByText(instance, { exact: true }) });
    await instances.getByText(instance, { exact: true }).first().waitFor();
    await instances.getByText("Registered", { exact: true }).first().waitFor();
    await instances
      .getByText(/fleet=f\d/)
      .first()
      .waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // Create deployment: AWS's message at the revision field, then the new deployment's page.
    await page.getByRole("button", { name: "Create deployment" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Revision location").fill("s3://bundles/missing.tgz");
    await chooseOption(dialog.getByLabel("Revision file type"), ".tar.gz (tgz)");
    await dialog.getByRole("button", { name: "Create deployment" }).click();
    await dialog
      .getByText(/The revision s3:\/\/bundles\/missing\.tgz does not exist/)
      .first()
      .waitFor();
    await dialog.getByLabel("Revision location").fill("s3://bundles/quick.tgz");
    await dialog.getByRole("button", { name: "Create deployment" }).click();
    await page.getByRole("status", { name: "Deployment status" }).waitFor();
    expect(page.url()).toMatch(/\/_\/console\/codedeploy\/deployments\/d-[A-Z0-9]{9}$/);
    await headerStatus("Succeeded").waitFor({ timeout: 30_000 });
  }, 60_000);

  it("fills in the lifecycle events grid while the deployment runs", async () => {
    const id = await deploy(revisions.good!);
    await page.goto(`${harness.server.url}/_/console/codedeploy/deployments/${id}`);
    await grid().getByText(instance, { exact: true }).first().waitFor();
    // A first event has succeeded while later ones are still to run.
    await grid().getByText("Succeeded", { exact: true }).first().waitFor({ timeout: 20_000 });
    expect(await grid().innerText()).toMatch(/Pending|In progress/);
    await headerStatus("Succeeded").waitFor({ timeout: 30_000 });
    const headers = await grid().getByRole("columnheader").allInnerTexts();
    const events = headers.map((h) => h.trim()).filter((h) => /^[A-Z][a-zA-Z]+$/.test(h) && h !== "Instance");
    expect(events.filter((e) => e !== "Status")).toEqual([
      "ApplicationStop",
      "DownloadBundle",
      "BeforeInstall",
      "Install",
      "AfterInstall",
      "ApplicationStart",
      "ValidateService",
    ]);
    await expect.poll(async () => grid().innerText(), { timeout: 10_000 }).not.toMatch(/Pending|In progress/);
  }, 60_000);

  it("shows a failed hook's diagnostics with its log tail as text", async () => {
    const id = await deploy(revisions.bad!);
    await page.goto(`${harness.server.url}/_/console/codedeploy/deployments`);
    await page.getByRole("link", { name: id, exact: true }).click();
    await headerStatus("Failed").waitFor({ timeout: 30_000 });
    const logTail = page.getByRole("region", { name: `Log tail of ValidateService on ${instance}` });
    await expect
      .poll(async () => logTail.innerText(), { timeout: 10_000 })
      .toContain("health check failed: <script>window.__pwned = 1</script>");
    await page.getByText("ScriptFailed", { exact: true }).first().waitFor();
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);

  it("stops a deployment from the page and rolls it back, linking the rollback", async () => {
    const id = await deploy(revisions.slow!);
    await page.goto(`${harness.server.url}/_/console/`);
    await page.getByRole("link", { name: id, exact: true }).click();
    await grid().getByText("In progress", { exact: true }).first().waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Stop deployment" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("radio", { name: "Stop and roll back" }).check();
    await dialog.getByRole("button", { name: "Stop and roll back" }).click();
    await page.getByText(`Deployment ${id} was stopped.`).first().waitFor();
    await headerStatus("Stopped").waitFor({ timeout: 30_000 });
    const rollbackLink = page.getByRole("link", { name: /^Rollback deployment d-/ });
    await rollbackLink.waitFor({ timeout: 20_000 });
    const rollbackId = (await rollbackLink.innerText()).trim();
    expect(rollbackId).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(rollbackId).not.toBe(id);
    expect(await accessibilityViolations(page)).toEqual([]);
    await rollbackLink.click();
    await page.getByRole("heading", { name: rollbackId }).first().waitFor();
    await page.getByRole("link", { name: `Rolls back deployment ${id}` }).waitFor();
    await headerStatus("Succeeded").waitFor({ timeout: 30_000 });
    // The application's history holds both, read group by group as ListDeployments requires.
    await page.getByRole("link", { name: "web", exact: true }).first().click();
    const history = page
      .getByRole("table")
      .filter({ has: page.getByRole("columnheader", { name: "Initiated by" }) });
    await history.getByRole("link", { name: rollbackId, exact: true }).waitFor();
    await history.getByRole("link", { name: id, exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
