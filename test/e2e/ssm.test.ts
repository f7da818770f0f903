import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  paginateGetParametersByPath,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, startTestServer, type TestServer } from "../support/server.js";

const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;

describe.each(dialects)("SSM Parameter Store through the SDK on %s", (dialect) => {
  let server: TestServer;
  let ssm: SSMClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    ssm = new SSMClient(server.clientConfig);
  });
  afterAll(async () => {
    ssm?.destroy();
    await server?.stop();
  });

  it("puts and gets a String with ARN, version, date, type and data type", async () => {
    const before = Date.now();
    const put = await ssm.send(
      new PutParameterCommand({ Name: "/app/dev/url", Value: "https://x", Type: "String", Description: "d" }),
    );
    expect(put).toMatchObject({ Version: 1, Tier: "Standard" });
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/app/dev/url" }));
    expect(Parameter).toMatchObject({
      Name: "/app/dev/url",
      Type: "String",
      Value: "https://x",
      Version: 1,
      DataType: "text",
      ARN: "arn:aws:ssm:us-east-1:000000000000:parameter/app/dev/url",
    });
    expect(Parameter!.LastModifiedDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("refuses to overwrite without Overwrite, and counts versions with it", async () => {
    await ssm.send(new PutParameterCommand({ Name: "counter", Value: "1", Type: "String" }));
    await expect(
      ssm.send(new PutParameterCommand({ Name: "counter", Value: "2", Type: "String" })),
    ).rejects.toMatchObject({ name: "ParameterAlreadyExists" });
    const second = await ssm.send(new PutParameterCommand({ Name: "counter", Value: "2", Overwrite: true }));
    const third = await ssm.send(new PutParameterCommand({ Name: "counter", Value: "3", Overwrite: true }));
    expect([second.Version, third.Version]).toEqual([2, 3]);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "counter" }));
    expect(Parameter).toMatchObject({
      Value: "3",
      Version: 3,
      Type: "String",
      ARN: expect.stringMatching(/:parameter\/counter$/),
    });
  });

  it("gives concurrent overwrites consecutive versions", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/race/p", Value: "0", Type: "String" }));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ssm.send(new PutParameterCommand({ Name: "/race/p", Value: `${i + 1}`, Overwrite: true })),
      ),
    );
    expect(results.map((r) => r.Version).sort((a, b) => a! - b!)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const { Parameters } = await ssm.send(new GetParameterHistoryCommand({ Name: "/race/p" }));
    expect(Parameters!.map((p) => p.Version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("keeps description and type across an overwrite that omits them", async () => {
    await ssm.send(
      new PutParameterCommand({ Name: "/keep/me", Value: "a", Type: "StringList", Description: "kept" }),
    );
    await ssm.send(new PutParameterCommand({ Name: "/keep/me", Value: "a,b", Overwrite: true }));
    const { Parameters } = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Values: ["/keep/me"] }] }),
    );
    expect(Parameters).toEqual([
      expect.objectContaining({ Name: "/keep/me", Type: "StringList", Description: "kept", Version: 2 }),
    ]);
  });

  it("returns a SecureString encrypted without WithDecryption and in clear with it", async () => {
    await ssm.send(
      new PutParameterCommand({ Name: "/app/db/password", Value: "pa55-word", Type: "SecureString" }),
    );
    const hidden = await ssm.send(new GetParameterCommand({ Name: "/app/db/password" }));
    expect(hidden.Parameter!.Type).toBe("SecureString");
    expect(hidden.Parameter!.Value).not.toContain("pa55-word");
    expect(hidden.Parameter!.Value!.length).toBeGreaterThan(40);
    const shown = await ssm.send(new GetParameterCommand({ Name: "/app/db/password", WithDecryption: true }));
    expect(shown.Parameter!.Value).toBe("pa55-word");
    const { Parameters } = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Values: ["/app/db/password"] }] }),
    );
    expect(Parameters![0]).toMatchObject({ KeyId: "alias/aws/ssm", Type: "SecureString" });
  });

  it("reads older versions through name:version and by ARN", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/sel/p", Value: "v1", Type: "SecureString" }));
    await ssm.send(
      new PutParameterCommand({ Name: "/sel/p", Value: "v2", Type: "SecureString", Overwrite: true }),
    );
    const old = await ssm.send(new GetParameterCommand({ Name: "/sel/p:1", WithDecryption: true }));
    expect(old.Parameter).toMatchObject({ Name: "/sel/p", Value: "v1", Version: 1, Selector: ":1" });
    const byArn = await ssm.send(
      new GetParameterCommand({
        Name: "arn:aws:ssm:us-east-1:000000000000:parameter/sel/p",
        WithDecryption: true,
      }),
    );
    expect(byArn.Parameter).toMatchObject({ Name: "/sel/p", Value: "v2", Version: 2 });
    await expect(ssm.send(new GetParameterCommand({ Name: "/sel/p:7" }))).rejects.toMatchObject({
      name: "ParameterVersionNotFound",
      message: "Systems Manager could not find version 7 of /sel/p. Verify the version and try again.",
    });
    await expect(ssm.send(new GetParameterCommand({ Name: "/sel/nothing" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
      message: "Parameter /sel/nothing not found.",
    });
  });

  it("lists what GetParameters could not find", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/many/a", Value: "A", Type: "String" }));
    await ssm.send(new PutParameterCommand({ Name: "/many/b", Value: "B", Type: "SecureString" }));
    const out = await ssm.send(
      new GetParametersCommand({
        Names: ["/many/a", "/many/b", "/many/zz", "/many/a:9"],
        WithDecryption: true,
      }),
    );
    expect(out.Parameters!.map((p) => [p.Name, p.Value])).toEqual([
      ["/many/a", "A"],
      ["/many/b", "B"],
    ]);
    expect(out.InvalidParameters).toEqual(["/many/zz", "/many/a:9"]);
  });

  it("walks a hierarchy one level or recursively, with filters and pages", async () => {
    for (const [name, type] of [
      ["/tree/a", "String"],
      ["/tree/b", "SecureString"],
      ["/tree/sub/c", "String"],
      ["/tree/sub/deeper/d", "StringList"],
      ["/treehouse/x", "String"],
    ] as const) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: `value of ${name}`, Type: type }));
    }
    const oneLevel = await ssm.send(new GetParametersByPathCommand({ Path: "/tree" }));
    expect(oneLevel.Parameters!.map((p) => p.Name)).toEqual(["/tree/a", "/tree/b"]);
    expect(oneLevel.Parameters![1]!.Value).not.toBe("value of /tree/b");

    const names: string[] = [];
    for await (const page of paginateGetParametersByPath(
      { client: ssm, pageSize: 2 },
      { Path: "/tree/", Recursive: true, WithDecryption: true },
    )) {
      expect(page.Parameters!.length).toBeLessThanOrEqual(2);
      names.push(...page.Parameters!.map((p) => `${p.Name}=${p.Value}`));
    }
    expect(names).toEqual([
      "/tree/a=value of /tree/a",
      "/tree/b=value of /tree/b",
      "/tree/sub/c=value of /tree/sub/c",
      "/tree/sub/deeper/d=value of /tree/sub/deeper/d",
    ]);

    const strings = await ssm.send(
      new GetParametersByPathCommand({
        Path: "/tree",
        Recursive: true,
        ParameterFilters: [{ Key: "Type", Option: "Equals", Values: ["String", "StringList"] }],
      }),
    );
    expect(strings.Parameters!.map((p) => p.Name)).toEqual(["/tree/a", "/tree/sub/c", "/tree/sub/deeper/d"]);
    await expect(
      ssm.send(
        new GetParametersByPathCommand({
          Path: "/tree",
          ParameterFilters: [{ Key: "Path", Values: ["/x"] }],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidFilterKey" });
  });

  it("describes parameters with filters and pagination, never values", async () => {
    for (let i = 0; i < 12; i++) {
      await ssm.send(
        new PutParameterCommand({ Name: `/desc/p${String(i).padStart(2, "0")}`, Value: "v", Type: "String" }),
      );
    }
    const first = await ssm.send(
      new DescribeParametersCommand({
        MaxResults: 5,
        ParameterFilters: [{ Key: "Path", Values: ["/desc"] }],
      }),
    );
    expect(first.Parameters!.map((p) => p.Name)).toEqual([
      "/desc/p00",
      "/desc/p01",
      "/desc/p02",
      "/desc/p03",
      "/desc/p04",
    ]);
    expect(first.Parameters![0]).not.toHaveProperty("Value");
    expect(first.Parameters![0]).toMatchObject({
      ARN: "arn:aws:ssm:us-east-1:000000000000:parameter/desc/p00",
      LastModifiedUser: "arn:aws:iam::000000000000:root",
      Tier: "Standard",
      DataType: "text",
    });
    const all = [...first.Parameters!];
    let token = first.NextToken;
    while (token) {
      const next = await ssm.send(
        new DescribeParametersCommand({
          MaxResults: 5,
          NextToken: token,
          ParameterFilters: [{ Key: "Path", Values: ["/desc"] }],
        }),
      );
      all.push(...next.Parameters!);
      token = next.NextToken;
    }
    expect(all).toHaveLength(12);
    const begins = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: "Name", Option: "BeginsWith", Values: ["/desc/p1"] }],
      }),
    );
    expect(begins.Parameters!.map((p) => p.Name)).toEqual(["/desc/p10", "/desc/p11"]);
    const secure = await ssm.send(
      new DescribeParametersCommand({ Filters: [{ Key: "Type", Values: ["SecureString"] }] }),
    );
    expect(secure.Parameters!.length).toBeGreaterThan(0);
    expect(secure.Parameters!.every((p) => p.Type === "SecureString")).toBe(true);
  });

  it("keeps the history of every version", async () => {
    await ssm.send(
      new PutParameterCommand({ Name: "/hist/p", Value: "one", Type: "SecureString", Description: "first" }),
    );
    await ssm.send(
      new PutParameterCommand({ Name: "/hist/p", Value: "two", Overwrite: true, Description: "second" }),
    );
    const { Parameters } = await ssm.send(
      new GetParameterHistoryCommand({ Name: "/hist/p", WithDecryption: true }),
    );
    expect(Parameters!.map((p) => [p.Version, p.Value, p.Description])).toEqual([
      [1, "one", "first"],
      [2, "two", "second"],
    ]);
  });

  it("deletes one parameter or several, reporting the unknown ones", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/del/a", Value: "a", Type: "String" }));
    await ssm.send(new PutParameterCommand({ Name: "/del/b", Value: "b", Type: "String" }));
    await ssm.send(new PutParameterCommand({ Name: "/del/c", Value: "c", Type: "String", Overwrite: true }));
    await ssm.send(new DeleteParameterCommand({ Name: "/del/a" }));
    await expect(ssm.send(new GetParameterCommand({ Name: "/del/a" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
    await expect(ssm.send(new DeleteParameterCommand({ Name: "/del/a" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
    const out = await ssm.send(new DeleteParametersCommand({ Names: ["/del/b", "/del/c", "/del/zz"] }));
    expect(out.DeletedParameters).toEqual(["/del/b", "/del/c"]);
    expect(out.InvalidParameters).toEqual(["/del/zz"]);
    // A parameter created again starts from version 1.
    const again = await ssm.send(new PutParameterCommand({ Name: "/del/b", Value: "b", Type: "String" }));
    expect(again.Version).toBe(1);
  });
});
