import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";

/** The main Secrets Manager flows through the AWS CLI v2. */
describe.runIf(hasAwsCli())("Secrets Manager through the AWS CLI v2", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function ok(args: string[]): Promise<Record<string, unknown>> {
    const res = await awsCli(server, ["secretsmanager", ...args]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    return JSON.parse(res.stdout) as Record<string, unknown>;
  }

  it("creates, reads, rotates a value and lists", async () => {
    const created = await ok([
      "create-secret",
      "--name",
      "cli/api-key",
      "--secret-string",
      "k-1",
      "--description",
      "API key",
    ]);
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:cli\/api-key-[A-Za-z0-9]{6}$/,
    );
    expect(await ok(["get-secret-value", "--secret-id", "cli/api-key"])).toMatchObject({
      Name: "cli/api-key",
      SecretString: "k-1",
      VersionStages: ["AWSCURRENT"],
    });
    await ok(["put-secret-value", "--secret-id", created.ARN as string, "--secret-string", "k-2"]);
    expect(await ok(["get-secret-value", "--secret-id", "cli/api-key"])).toMatchObject({
      SecretString: "k-2",
    });
    expect(
      await ok(["get-secret-value", "--secret-id", "cli/api-key", "--version-stage", "AWSPREVIOUS"]),
    ).toMatchObject({ SecretString: "k-1" });
    const listed = await ok(["list-secrets"]);
    expect((listed.SecretList as Array<{ Name: string }>).map((s) => s.Name)).toContain("cli/api-key");
    expect(await ok(["describe-secret", "--secret-id", "cli/api-key"])).toMatchObject({
      Description: "API key",
    });
  });

  it("schedules deletion and then refuses reads with InvalidRequestException", async () => {
    await ok(["create-secret", "--name", "cli/old", "--secret-string", "x"]);
    const deleted = await ok(["delete-secret", "--secret-id", "cli/old", "--recovery-window-in-days", "7"]);
    expect(deleted).toMatchObject({ Name: "cli/old" });
    const res = await awsCli(server, ["secretsmanager", "get-secret-value", "--secret-id", "cli/old"]);
    expect(res.code).toBe(254);
    expect(res.stderr).toContain(
      "An error occurred (InvalidRequestException) when calling the GetSecretValue operation",
    );
    expect(res.stderr).toContain("marked for deletion");
  });

  it("reports a missing secret as ResourceNotFoundException", async () => {
    const res = await awsCli(server, ["secretsmanager", "get-secret-value", "--secret-id", "cli/none"]);
    expect(res.code).toBe(254);
    expect(res.stderr).toContain("(ResourceNotFoundException)");
  });
});
