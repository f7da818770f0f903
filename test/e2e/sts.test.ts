import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";

describe("STS GetCallerIdentity", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("answers the JavaScript SDK with the root user", async () => {
    const sts = new STSClient(server.clientConfig);
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe("000000000000");
    expect(out.Arn).toBe("arn:aws:iam::000000000000:root");
  });

  it("refuses a wrong secret with SignatureDoesNotMatch", async () => {
    const sts = new STSClient({
      ...server.clientConfig,
      credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: "wrong" },
    });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
    });
  });

  it("refuses an unknown key with InvalidClientTokenId", async () => {
    const sts = new STSClient({
      ...server.clientConfig,
      credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" },
    });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "InvalidClientTokenId",
    });
  });

  it.runIf(hasAwsCli())("answers the AWS CLI v2", async () => {
    const res = await awsCli(server, ["sts", "get-caller-identity"]);
    expect(res.stderr).toBe("");
    expect(JSON.parse(res.stdout)).toMatchObject({
      Account: "000000000000",
      Arn: "arn:aws:iam::000000000000:root",
    });
  });
});
