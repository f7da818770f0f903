import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";

/** The main Parameter Store flows through the AWS CLI v2, as a build script would run them. */
describe.runIf(hasAwsCli())("SSM Parameter Store through the AWS CLI v2", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function ok(args: string[]): Promise<Record<string, unknown>> {
    const res = await awsCli(server, ["ssm", ...args]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    return res.stdout.trim() ? (JSON.parse(res.stdout) as Record<string, unknown>) : {};
  }

  it("puts, overwrites and reads a String and a SecureString", async () => {
    expect(
      await ok(["put-parameter", "--name", "/cli/url", "--value", "https://a", "--type", "String"]),
    ).toEqual({
      Version: 1,
      Tier: "Standard",
    });
    expect(
      await ok(["put-parameter", "--name", "/cli/url", "--value", "https://b", "--overwrite"]),
    ).toMatchObject({ Version: 2 });
    await ok(["put-parameter", "--name", "/cli/token", "--value", "t0k3n", "--type", "SecureString"]);

    const url = await ok(["get-parameter", "--name", "/cli/url"]);
    expect(url.Parameter).toMatchObject({
      Name: "/cli/url",
      Value: "https://b",
      Version: 2,
      Type: "String",
      DataType: "text",
      ARN: "arn:aws:ssm:us-east-1:000000000000:parameter/cli/url",
    });
    const hidden = await ok(["get-parameter", "--name", "/cli/token"]);
    expect((hidden.Parameter as { Value: string }).Value).not.toContain("t0k3n");
    const shown = await ok(["get-parameter", "--name", "/cli/token", "--with-decryption"]);
    expect((shown.Parameter as { Value: string }).Value).toBe("t0k3n");
    const old = await ok([
      "get-parameter",
      "--name",
      "/cli/url:1",
      "--query",
      "Parameter.Value",
      "--output",
      "json",
    ]);
    expect(old).toBe("https://a");
  });

  it("pages through a path the way the CLI does, 10 at a time", async () => {
    // Seeded through the SDK: a CLI start costs a second, and the listing is what is under test.
    const ssm = new SSMClient(server.clientConfig);
    for (let i = 0; i < 23; i++) {
      const Name = `/cli/many/p${String(i).padStart(2, "0")}`;
      await ssm.send(new PutParameterCommand({ Name, Value: `${i}`, Type: "String" }));
    }
    ssm.destroy();
    const out = await ok(["get-parameters-by-path", "--path", "/cli/many", "--recursive"]);
    const names = (out.Parameters as Array<{ Name: string }>).map((p) => p.Name);
    expect(names).toHaveLength(23);
    expect(names[0]).toBe("/cli/many/p00");
    expect(names[22]).toBe("/cli/many/p22");

    const described = await ok([
      "describe-parameters",
      "--parameter-filters",
      "Key=Path,Option=Recursive,Values=/cli",
    ]);
    expect((described.Parameters as unknown[]).length).toBe(25);
  });

  it("deletes, and reports unknown parameters with AWS's error code and exit status", async () => {
    await ok(["delete-parameter", "--name", "/cli/url"]);
    const missing = await awsCli(server, ["ssm", "get-parameter", "--name", "/cli/url"]);
    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain(
      "An error occurred (ParameterNotFound) when calling the GetParameter operation",
    );
    const batch = await ok(["delete-parameters", "--names", "/cli/token", "/cli/ghost"]);
    expect(batch).toEqual({ DeletedParameters: ["/cli/token"], InvalidParameters: ["/cli/ghost"] });
  });

  it("reports a bad name as a ValidationException", async () => {
    const res = await awsCli(server, [
      "ssm",
      "put-parameter",
      "--name",
      "aws-reserved",
      "--value",
      "v",
      "--type",
      "String",
    ]);
    expect(res.code).toBe(254);
    expect(res.stderr).toContain("(ValidationException)");
    expect(res.stderr).toContain('can\'t be prefixed with "aws" or "ssm"');
  });
});
