import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { jsonCall } from "../support/signed-fetch.js";

/** Bad input to Secrets Manager: each gets AWS's error code, and the server keeps serving. */
describe("Secrets Manager refusals", () => {
  let server: TestServer;
  let sm: SecretsManagerClient;
  beforeAll(async () => {
    server = await startTestServer();
    sm = new SecretsManagerClient(server.clientConfig);
    await sm.send(new CreateSecretCommand({ Name: "exists", SecretString: "v" }));
  });
  afterAll(async () => {
    sm?.destroy();
    await server?.stop();
  });

  async function raw(
    operation: string,
    body: unknown,
  ): Promise<{ status: number; type: string; message: string }> {
    const res = await jsonCall(server, `secretsmanager.${operation}`, JSON.stringify(body), {
      service: "secretsmanager",
    });
    const json = (await res.json()) as { __type: string; message: string };
    return { status: res.status, type: json.__type, message: json.message };
  }

  it("names the missing field with ValidationException", async () => {
    const noId = await raw("GetSecretValue", {});
    expect(noId).toMatchObject({ status: 400, type: "ValidationException" });
    expect(noId.message).toContain(
      "Value at 'SecretId' failed to satisfy constraint: Member must not be null",
    );
    const noName = await raw("CreateSecret", { SecretString: "x" });
    expect(noName.message).toContain("'Name'");
  });

  it("refuses invalid names, short tokens and bad enums", async () => {
    await expect(
      sm.send(new CreateSecretCommand({ Name: "bad name!", SecretString: "x" })),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("Invalid name"),
    });
    await expect(
      sm.send(new CreateSecretCommand({ Name: "ok", SecretString: "x", ClientRequestToken: "short" })),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("Member must have length greater than or equal to 32"),
    });
    const sort = await raw("ListSecrets", { SortOrder: "sideways" });
    expect(sort).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("[asc, desc]"),
    });
    const filter = await raw("ListSecrets", { Filters: [{ Key: "colour", Values: ["x"] }] });
    expect(filter.type).toBe("ValidationException");
  });

  it("answers a member of the wrong JSON type with SerializationException", async () => {
    expect(await raw("GetSecretValue", { SecretId: 7 })).toMatchObject({ type: "SerializationException" });
    expect(await raw("CreateSecret", { Name: "n", Tags: { Key: "a" } })).toMatchObject({
      type: "SerializationException",
      message: expect.stringContaining("'Tags'"),
    });
    expect(await raw("CreateSecret", { Name: "n", SecretBinary: "%%%not base64" })).toMatchObject({
      type: "SerializationException",
    });
  });

  it("refuses two values at once and a put without a value", async () => {
    await expect(
      sm.send(
        new CreateSecretCommand({ Name: "both", SecretString: "x", SecretBinary: new Uint8Array([1]) }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
    await expect(sm.send(new PutSecretValueCommand({ SecretId: "exists" }))).rejects.toMatchObject({
      name: "InvalidRequestException",
    });
  });

  it("answers unknown secrets with ResourceNotFoundException", async () => {
    for (const id of [
      "ghost",
      "arn:aws:secretsmanager:us-east-1:000000000000:secret:ghost-AbCdEf",
      "arn:aws:s3:::exists",
    ]) {
      await expect(sm.send(new GetSecretValueCommand({ SecretId: id }))).rejects.toMatchObject({
        name: "ResourceNotFoundException",
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    await expect(sm.send(new DescribeSecretCommand({ SecretId: "ghost" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    await expect(
      sm.send(new UpdateSecretCommand({ SecretId: "ghost", Description: "d" })),
    ).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    await expect(sm.send(new DeleteSecretCommand({ SecretId: "ghost" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    await expect(
      sm.send(new GetSecretValueCommand({ SecretId: "exists", VersionStage: "AWSPREVIOUS" })),
    ).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    });
    // A forced delete of a secret that is not there succeeds, as on AWS.
    await expect(
      sm.send(new DeleteSecretCommand({ SecretId: "ghost", ForceDeleteWithoutRecovery: true })),
    ).resolves.toMatchObject({ Name: "ghost" });
  });

  it("checks the recovery window", async () => {
    await expect(
      sm.send(new DeleteSecretCommand({ SecretId: "exists", RecoveryWindowInDays: 3 })),
    ).rejects.toMatchObject({
      name: "InvalidParameterException",
      message: "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
    });
    await expect(
      sm.send(
        new DeleteSecretCommand({
          SecretId: "exists",
          RecoveryWindowInDays: 10,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
  });

  it("refuses writes to a secret scheduled for deletion", async () => {
    await sm.send(new CreateSecretCommand({ Name: "scheduled", SecretString: "v" }));
    await sm.send(new DeleteSecretCommand({ SecretId: "scheduled" }));
    for (const send of [
      () => sm.send(new PutSecretValueCommand({ SecretId: "scheduled", SecretString: "w" })),
      () => sm.send(new UpdateSecretCommand({ SecretId: "scheduled", Description: "d" })),
      () => sm.send(new DeleteSecretCommand({ SecretId: "scheduled" })),
    ]) {
      await expect(send()).rejects.toMatchObject({ name: "InvalidRequestException" });
    }
  });

  it("refuses a NextToken it did not hand out", async () => {
    await expect(sm.send(new ListSecretsCommand({ NextToken: "bogus" }))).rejects.toMatchObject({
      name: "InvalidNextTokenException",
    });
  });

  it("keeps serving after all of that", async () => {
    expect((await fetch(`${server.url}/_/health`)).status).toBe(200);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: "exists" }))).SecretString).toBe("v");
  });
});
