import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, browserUnavailable, launchBrowser } from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/server.js";

const unavailable = browserUnavailable();

/**
 * Parameters and secrets in the console, in the distribution's Chromium: listed without their
 * values, a value fetched only when a person asks to see it, and created from a form.
 */
describe.skipIf(unavailable !== undefined)("parameters and secrets in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const apiCalls: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    const ssm = new SSMClient(server.clientConfig);
    await ssm.send(
      new PutParameterCommand({ Name: "/app/db-password", Type: "SecureString", Value: "s3cr3t-pw" }),
    );
    await ssm.send(new PutParameterCommand({ Name: "/app/region", Type: "String", Value: "eu-west-1" }));
    ssm.destroy();
    const sm = new SecretsManagerClient(server.clientConfig);
    await sm.send(new CreateSecretCommand({ Name: "deploy-token", SecretString: "tok-123-secret" }));
    sm.destroy();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("request", (request) => {
      const target = request.headers()["x-amz-target"];
      if (target) apiCalls.push(target);
    });
    await page.goto(server.console.signInLink());
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("lists parameters without their values, and shows one only when asked", async () => {
    apiCalls.length = 0;
    await page.goto(`${server.url}/_/console/ssm/parameters`);
    await page.getByText("/app/db-password").first().waitFor();
    expect(await page.getByText("s3cr3t-pw").count()).toBe(0);
    expect(apiCalls).not.toContain("AmazonSSM.GetParameter");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Show value of /app/db-password" }).click();
    await page.getByText("s3cr3t-pw").waitFor();
    expect(apiCalls).toContain("AmazonSSM.GetParameter");
  });

  it("creates a parameter, with AWS's message at the field", async () => {
    await page.goto(`${server.url}/_/console/ssm/parameters/create`);
    await page.getByLabel("Name", { exact: true }).fill("/app/region");
    await page.getByLabel("Value").fill("us-east-1");
    await page.getByRole("button", { name: "Create parameter" }).click();
    await page
      .getByText(/already exists/i)
      .first()
      .waitFor();
    await page.getByLabel("Name", { exact: true }).fill("/app/new");
    await page.getByRole("button", { name: "Create parameter" }).click();
    await page.getByText("/app/new").first().waitFor();
    const ssm = new SSMClient(server.clientConfig);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/app/new" }));
    ssm.destroy();
    expect(Parameter?.Value).toBe("us-east-1");
  });

  it("lists secrets, retrieves a value on request, and stores a new one", async () => {
    apiCalls.length = 0;
    await page.goto(`${server.url}/_/console/secretsmanager/secrets`);
    await page.getByText("deploy-token").first().waitFor();
    expect(apiCalls).not.toContain("secretsmanager.GetSecretValue");
    expect(await page.getByText("tok-123-secret").count()).toBe(0);
    await page.getByRole("button", { name: "Retrieve secret value of deploy-token" }).click();
    await page.getByText("tok-123-secret").waitFor();
    await page.goto(`${server.url}/_/console/secretsmanager/secrets/create`);
    await page.getByLabel("Secret name").fill("api-key");
    await page.getByLabel("Secret value").fill("k-456");
    await page.getByRole("button", { name: "Store" }).click();
    await page.getByText("api-key").first().waitFor();
    expect(await page.getByText("k-456").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
