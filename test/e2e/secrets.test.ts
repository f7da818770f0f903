import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  paginateListSecrets,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, startTestServer, type TestServer } from "../support/server.js";

const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;
const ARN = /^arn:aws:secretsmanager:us-east-1:000000000000:secret:(.+)-[A-Za-z0-9]{6}$/;

describe.each(dialects)("Secrets Manager through the SDK on %s", (dialect) => {
  let server: TestServer;
  let sm: SecretsManagerClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    sm = new SecretsManagerClient(server.clientConfig);
  });
  afterAll(async () => {
    sm?.destroy();
    await server?.stop();
  });

  it("creates a secret with AWS's ARN shape and reads it by name, ARN and partial ARN", async () => {
    const created = await sm.send(
      new CreateSecretCommand({
        Name: "prod/db",
        SecretString: '{"user":"app","password":"s3cret"}',
        Description: "db",
      }),
    );
    expect(created.ARN).toMatch(ARN);
    expect(ARN.exec(created.ARN!)![1]).toBe("prod/db");
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    for (const id of [
      "prod/db",
      created.ARN!,
      "arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db",
    ]) {
      const got = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      expect(got).toMatchObject({
        ARN: created.ARN,
        Name: "prod/db",
        VersionId: created.VersionId,
        SecretString: '{"user":"app","password":"s3cret"}',
        VersionStages: ["AWSCURRENT"],
      });
      expect(got.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it("stores binary secrets and gives the bytes back", async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await sm.send(new CreateSecretCommand({ Name: "bin", SecretBinary: bytes }));
    const got = await sm.send(new GetSecretValueCommand({ SecretId: "bin" }));
    expect(got.SecretString).toBeUndefined();
    expect([...got.SecretBinary!]).toEqual([...bytes]);
  });

  it("moves AWSCURRENT to each new version and AWSPREVIOUS to the one before", async () => {
    const first = await sm.send(new CreateSecretCommand({ Name: "rotating", SecretString: "one" }));
    const second = await sm.send(new PutSecretValueCommand({ SecretId: "rotating", SecretString: "two" }));
    expect(second.VersionStages).toEqual(["AWSCURRENT"]);
    const third = await sm.send(new UpdateSecretCommand({ SecretId: "rotating", SecretString: "three" }));
    const current = await sm.send(new GetSecretValueCommand({ SecretId: "rotating" }));
    const previous = await sm.send(
      new GetSecretValueCommand({ SecretId: "rotating", VersionStage: "AWSPREVIOUS" }),
    );
    const oldest = await sm.send(
      new GetSecretValueCommand({ SecretId: "rotating", VersionId: first.VersionId }),
    );
    expect([current.SecretString, current.VersionId]).toEqual(["three", third.VersionId]);
    expect([previous.SecretString, previous.VersionId]).toEqual(["two", second.VersionId]);
    expect([oldest.SecretString, oldest.VersionStages]).toEqual(["one", []]);
    const described = await sm.send(new DescribeSecretCommand({ SecretId: "rotating" }));
    expect(described.VersionIdsToStages).toEqual({
      [second.VersionId!]: ["AWSPREVIOUS"],
      [third.VersionId!]: ["AWSCURRENT"],
    });
    const all = await sm.send(
      new ListSecretVersionIdsCommand({ SecretId: "rotating", IncludeDeprecated: true }),
    );
    expect(all.Versions!.map((v) => v.VersionId).sort()).toEqual(
      [first.VersionId, second.VersionId, third.VersionId].sort(),
    );
    await expect(
      sm.send(
        new GetSecretValueCommand({
          SecretId: "rotating",
          VersionId: first.VersionId,
          VersionStage: "AWSCURRENT",
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidRequestException" });
  });

  it("leaves exactly one AWSCURRENT after concurrent writes", async () => {
    await sm.send(new CreateSecretCommand({ Name: "race", SecretString: "0" }));
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sm.send(new PutSecretValueCommand({ SecretId: "race", SecretString: `${i + 1}` })),
      ),
    );
    const { VersionIdsToStages } = await sm.send(new DescribeSecretCommand({ SecretId: "race" }));
    const labels = Object.values(VersionIdsToStages!).flat();
    expect(labels.filter((l) => l === "AWSCURRENT")).toHaveLength(1);
    expect(labels.filter((l) => l === "AWSPREVIOUS")).toHaveLength(1);
  });

  it("treats a repeated ClientRequestToken as a retry, and a changed value under it as a conflict", async () => {
    const token = "11111111-2222-3333-4444-555555555555";
    const a = await sm.send(
      new CreateSecretCommand({ Name: "idem", SecretString: "x", ClientRequestToken: token }),
    );
    const b = await sm.send(
      new CreateSecretCommand({ Name: "idem", SecretString: "x", ClientRequestToken: token }),
    );
    expect(b).toMatchObject({ ARN: a.ARN, VersionId: token });
    await expect(
      sm.send(new CreateSecretCommand({ Name: "idem", SecretString: "y", ClientRequestToken: token })),
    ).rejects.toMatchObject({ name: "ResourceExistsException" });
    await expect(sm.send(new CreateSecretCommand({ Name: "idem", SecretString: "x" }))).rejects.toMatchObject(
      {
        name: "ResourceExistsException",
        message: "The operation failed because the secret idem already exists.",
      },
    );
    const token2 = "22222222-2222-3333-4444-555555555555";
    await sm.send(
      new PutSecretValueCommand({ SecretId: "idem", SecretString: "z", ClientRequestToken: token2 }),
    );
    await sm.send(
      new PutSecretValueCommand({ SecretId: "idem", SecretString: "z", ClientRequestToken: token2 }),
    );
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: "idem" }));
    expect(versions.Versions).toHaveLength(2);
    await expect(
      sm.send(
        new PutSecretValueCommand({ SecretId: "idem", SecretString: "other", ClientRequestToken: token2 }),
      ),
    ).rejects.toMatchObject({ name: "ResourceExistsException" });
  });

  it("schedules deletion, refuses reads meanwhile, restores, and force-deletes", async () => {
    await sm.send(new CreateSecretCommand({ Name: "doomed", SecretString: "bye" }));
    const before = Date.now();
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: "doomed", RecoveryWindowInDays: 7 }));
    const days = (deleted.DeletionDate!.getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: "doomed" }))).rejects.toMatchObject({
      name: "InvalidRequestException",
      message: "You can't perform this operation on the secret because it was marked for deletion.",
    });
    const described = await sm.send(new DescribeSecretCommand({ SecretId: "doomed" }));
    expect(described.DeletedDate).toBeInstanceOf(Date);
    await expect(
      sm.send(new CreateSecretCommand({ Name: "doomed", SecretString: "again" })),
    ).rejects.toMatchObject({
      name: "InvalidRequestException",
    });
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: ["doomed"] }] }));
    expect(listed.SecretList).toEqual([]);
    const planned = await sm.send(
      new ListSecretsCommand({
        IncludePlannedDeletion: true,
        Filters: [{ Key: "name", Values: ["doomed"] }],
      }),
    );
    expect(planned.SecretList!.map((s) => s.Name)).toEqual(["doomed"]);

    await sm.send(new RestoreSecretCommand({ SecretId: "doomed" }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: "doomed" }))).SecretString).toBe("bye");

    const gone = await sm.send(
      new DeleteSecretCommand({ SecretId: "doomed", ForceDeleteWithoutRecovery: true }),
    );
    expect(gone.Name).toBe("doomed");
    await expect(sm.send(new GetSecretValueCommand({ SecretId: "doomed" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    // The name is free again, under a new ARN.
    const reborn = await sm.send(new CreateSecretCommand({ Name: "doomed", SecretString: "hello" }));
    expect(reborn.ARN).not.toBe(gone.ARN);
  });

  it("updates the description without a new version", async () => {
    await sm.send(
      new CreateSecretCommand({ Name: "described", SecretString: "v", Tags: [{ Key: "team", Value: "ci" }] }),
    );
    const out = await sm.send(new UpdateSecretCommand({ SecretId: "described", Description: "new words" }));
    expect(out.VersionId).toBeUndefined();
    const d = await sm.send(new DescribeSecretCommand({ SecretId: "described" }));
    expect(d).toMatchObject({
      Name: "described",
      Description: "new words",
      Tags: [{ Key: "team", Value: "ci" }],
    });
    expect(Object.keys(d.VersionIdsToStages!)).toHaveLength(1);
  });

  it("lists secrets with filters, sorting and pagination", async () => {
    for (const name of ["list/alpha", "list/beta", "list/gamma", "other/delta"]) {
      await sm.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: "v",
          Description: `The ${name} secret`,
          Tags: [{ Key: "app", Value: name.split("/")[0]! }],
        }),
      );
    }
    const byName = await sm.send(
      new ListSecretsCommand({
        Filters: [{ Key: "name", Values: ["list/"] }],
        SortBy: "name",
        SortOrder: "asc",
      }),
    );
    expect(byName.SecretList!.map((s) => s.Name)).toEqual(["list/alpha", "list/beta", "list/gamma"]);
    expect(Object.values(byName.SecretList![0]!.SecretVersionsToStages!)).toEqual([["AWSCURRENT"]]);
    const byTag = await sm.send(
      new ListSecretsCommand({
        Filters: [
          { Key: "tag-value", Values: ["other"] },
          { Key: "tag-key", Values: ["app"] },
        ],
      }),
    );
    expect(byTag.SecretList!.map((s) => s.Name)).toEqual(["other/delta"]);
    const negated = await sm.send(
      new ListSecretsCommand({
        Filters: [
          { Key: "name", Values: ["!list/"] },
          { Key: "tag-key", Values: ["app"] },
        ],
      }),
    );
    expect(negated.SecretList!.map((s) => s.Name)).toEqual(["other/delta"]);
    const words = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: "description", Values: ["GAMMA"] }] }),
    );
    expect(words.SecretList!.map((s) => s.Name)).toEqual(["list/gamma"]);

    const names: string[] = [];
    for await (const page of paginateListSecrets(
      { client: sm, pageSize: 2 },
      { Filters: [{ Key: "tag-key", Values: ["app"] }], SortBy: "name", SortOrder: "asc" },
    )) {
      expect(page.SecretList!.length).toBeLessThanOrEqual(2);
      names.push(...page.SecretList!.map((s) => s.Name!));
    }
    expect(names).toEqual(["list/alpha", "list/beta", "list/gamma", "other/delta"]);
  });
});
