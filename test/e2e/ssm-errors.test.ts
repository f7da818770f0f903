import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { jsonCall } from "../support/signed-fetch.js";

/** Bad input to Parameter Store: each gets AWS's error code, and the server keeps serving. */
describe("SSM Parameter Store refusals", () => {
  let server: TestServer;
  let ssm: SSMClient;
  beforeAll(async () => {
    server = await startTestServer();
    ssm = new SSMClient(server.clientConfig);
  });
  afterAll(async () => {
    ssm?.destroy();
    await server?.stop();
  });

  async function raw(
    operation: string,
    body: unknown,
  ): Promise<{ status: number; type: string; message: string }> {
    const res = await jsonCall(server, `AmazonSSM.${operation}`, JSON.stringify(body));
    const json = (await res.json()) as { __type: string; message: string };
    return { status: res.status, type: json.__type, message: json.message };
  }

  const put = (Name: string, extra: Record<string, unknown> = {}) =>
    ssm.send(new PutParameterCommand({ Name, Value: "v", Type: "String", ...extra }));

  it.each([
    ["aws-thing", "ValidationException", /can't be prefixed with "aws" or "ssm"/],
    ["SSM_thing", "ValidationException", /can't be prefixed with "aws" or "ssm"/],
    ["/ssm/a/b", "ValidationException", /can't be prefixed with "ssm"/],
    ["/aws/service/x", "AccessDeniedException", /No access to reserved parameter name: \/aws\/service\/x\./],
    ["with space", "ValidationException", /sub-path can be formed as a mix of letters, numbers/],
    ["/bad$char", "ValidationException", /sub-path can be formed/],
    ["/double//slash", "ValidationException", /sub-path can be formed/],
    ["relative/path", "ValidationException", /must be a fully qualified name/],
    [
      `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join("/")}`,
      "HierarchyLevelLimitExceededException",
      /15 levels/,
    ],
    [`/${"x".repeat(1011)}`, "ValidationException", /1011/],
  ])("refuses the name %s with %s", async (name, code, message) => {
    await expect(put(name)).rejects.toMatchObject({ name: code, message: expect.stringMatching(message) });
  });

  it("accepts a name of exactly 15 levels and 1011 characters", async () => {
    await expect(put(`/${Array.from({ length: 15 }, (_, i) => `l${i}`).join("/")}`)).resolves.toMatchObject({
      Version: 1,
    });
    await expect(put(`/${"y".repeat(1010)}`)).resolves.toMatchObject({ Version: 1 });
  });

  it("names the missing field", async () => {
    const noName = await raw("PutParameter", { Value: "v", Type: "String" });
    expect(noName).toMatchObject({ status: 400, type: "ValidationException" });
    expect(noName.message).toContain("Value at 'Name' failed to satisfy constraint: Member must not be null");
    const noValue = await raw("PutParameter", { Name: "/x", Type: "String", Value: null });
    expect(noValue.message).toContain("'Value'");
    const noNames = await raw("GetParameters", {});
    expect(noNames).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("'Names'"),
    });
  });

  it("asks for a type when creating and checks enums and lengths", async () => {
    await expect(ssm.send(new PutParameterCommand({ Name: "/typeless", Value: "v" }))).rejects.toMatchObject({
      name: "ValidationException",
      message: "A parameter type is required when you create a parameter.",
    });
    const badType = await raw("PutParameter", { Name: "/t", Value: "v", Type: "Str" });
    expect(badType).toMatchObject({ type: "ValidationException" });
    expect(badType.message).toContain(
      "Member must satisfy enum value set: [String, StringList, SecureString]",
    );
    const empty = await raw("PutParameter", { Name: "/t", Value: "", Type: "String" });
    expect(empty.message).toContain(
      "Value at 'Value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const tooMany = await raw("GetParameters", { Names: Array.from({ length: 11 }, (_, i) => `/n${i}`) });
    expect(tooMany.message).toContain("Member must have length less than or equal to 10");
    await expect(put("/big", { Value: "x".repeat(4097) })).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("maximum parameter value of 4096"),
    });
    await expect(put("/big", { Value: "x".repeat(4097), Tier: "Advanced" })).resolves.toMatchObject({
      Tier: "Advanced",
    });
    await expect(put("/dt", { DataType: "Text" })).rejects.toMatchObject({
      name: "ValidationException",
      message: "The following data type is not supported: Text (Data type names are all lowercase.)",
    });
  });

  it("answers a member of the wrong JSON type with SerializationException", async () => {
    const number = await raw("GetParameter", { Name: 42 });
    expect(number).toMatchObject({ status: 400, type: "SerializationException" });
    expect(number.message).toContain("'Name'");
    const flag = await raw("PutParameter", { Name: "/f", Value: "v", Type: "String", Overwrite: "yes" });
    expect(flag).toMatchObject({
      type: "SerializationException",
      message: expect.stringContaining("'Overwrite'"),
    });
    const list = await raw("GetParameters", { Names: "/not-a-list" });
    expect(list).toMatchObject({
      type: "SerializationException",
      message: expect.stringContaining("a list"),
    });
  });

  it("enforces AllowedPattern, tags-with-overwrite and policies", async () => {
    await expect(put("/pat", { Value: "abc", AllowedPattern: "^\\d+$" })).rejects.toMatchObject({
      name: "ParameterPatternMismatchException",
    });
    await put("/pat", { Value: "123", AllowedPattern: "^\\d+$" });
    await expect(put("/pat", { Value: "12a", Overwrite: true })).rejects.toMatchObject({
      name: "ParameterPatternMismatchException",
    });
    await expect(put("/pat2", { Value: "1", AllowedPattern: "([" })).rejects.toMatchObject({
      name: "InvalidAllowedPatternException",
    });
    await expect(
      put("/pat", { Value: "1", Overwrite: true, Tags: [{ Key: "a", Value: "b" }] }),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("tags and overwrite"),
    });
  });

  it("refuses bad tokens, paths and filters with their own codes", async () => {
    await expect(ssm.send(new DescribeParametersCommand({ NextToken: "garbage" }))).rejects.toMatchObject({
      name: "InvalidNextToken",
    });
    await expect(ssm.send(new GetParametersByPathCommand({ Path: "no-slash" }))).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining('must begin with a forward slash "/"'),
    });
    await expect(
      ssm.send(
        new DescribeParametersCommand({
          ParameterFilters: [{ Key: "Name", Option: "Sideways", Values: ["a"] }],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidFilterOption" });
    await expect(
      ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Colour", Values: ["a"] }] })),
    ).rejects.toMatchObject({ name: "InvalidFilterKey" });
    await expect(
      ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Type", Values: ["Secret"] }] })),
    ).rejects.toMatchObject({ name: "InvalidFilterValue" });
    await expect(
      ssm.send(
        new DescribeParametersCommand({
          Filters: [{ Key: "Name", Values: ["a"] }],
          ParameterFilters: [{ Key: "Name", Values: ["a"] }],
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("answers unknown parameters and selectors with ParameterNotFound", async () => {
    for (const name of [
      "/nope",
      "/nope:1",
      "/pat:1:2",
      "/pat:label",
      "arn:aws:ssm:eu-west-1:000000000000:parameter/pat",
    ]) {
      await expect(ssm.send(new GetParameterCommand({ Name: name }))).rejects.toMatchObject({
        name: "ParameterNotFound",
        message: `Parameter ${name} not found.`,
      });
    }
  });

  it("keeps serving after all of that", async () => {
    const res = await fetch(`${server.url}/_/health`);
    expect(res.status).toBe(200);
    await put("/still/alive");
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/still/alive" }));
    expect(Parameter!.Value).toBe("v");
  });
});
