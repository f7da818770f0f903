import { describe, expect, it } from "vitest";
import { parseOnFailure, parseSecretsManagerReference } from "./index.js";

describe("parseSecretsManagerReference", () => {
  it("reads a bare secret name", () => {
    expect(parseSecretsManagerReference("TestSecret")).toEqual({
      ok: true,
      value: {
        reference: "TestSecret",
        secretId: "TestSecret",
        jsonKey: undefined,
        versionStage: undefined,
        versionId: undefined,
      },
    });
  });

  it("reads every part, leaving empty parts unset", () => {
    expect(parseSecretsManagerReference("prod/db:password:AWSPREVIOUS:v-1")).toMatchObject({
      ok: true,
      value: { secretId: "prod/db", jsonKey: "password", versionStage: "AWSPREVIOUS", versionId: "v-1" },
    });
    expect(parseSecretsManagerReference("prod/db:::v-1")).toMatchObject({
      ok: true,
      value: { secretId: "prod/db", jsonKey: undefined, versionStage: undefined, versionId: "v-1" },
    });
  });

  it("keeps the colons of an ARN inside the secret-id", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/db-a1B2c3";
    expect(parseSecretsManagerReference(arn)).toMatchObject({
      ok: true,
      value: { secretId: arn, jsonKey: undefined },
    });
    expect(parseSecretsManagerReference(`${arn}:user::id-9`)).toMatchObject({
      ok: true,
      value: { secretId: arn, jsonKey: "user", versionStage: undefined, versionId: "id-9" },
    });
  });

  it("rejects what is not a reference", () => {
    expect(parseSecretsManagerReference("")).toMatchObject({ ok: false });
    expect(parseSecretsManagerReference(":key")).toMatchObject({ ok: false });
    expect(parseSecretsManagerReference("a:b:c:d:e")).toMatchObject({ ok: false });
    expect(parseSecretsManagerReference("arn:aws:secretsmanager:us-east-1:1:secret")).toMatchObject({
      ok: false,
    });
    expect(parseSecretsManagerReference("arn:aws:secretsmanager:us-east-1:1:secret:")).toMatchObject({
      ok: false,
    });
    expect(parseSecretsManagerReference("arn:aws:secretsmanager:r:1:secret:n:a:b:c:d")).toMatchObject({
      ok: false,
    });
  });
});

describe("parseOnFailure", () => {
  it("reads ABORT and CONTINUE", () => {
    expect(parseOnFailure("ABORT")).toEqual({ ok: true, value: { action: "ABORT" } });
    expect(parseOnFailure("CONTINUE")).toEqual({ ok: true, value: { action: "CONTINUE" } });
  });

  it("reads the RETRY forms with their defaults: 3 retries, any error", () => {
    const retry = (maxRetries: number, pattern: string, flags = "") => ({
      ok: true,
      value: { action: "RETRY", maxRetries, pattern, flags },
    });
    expect(parseOnFailure("RETRY")).toEqual(retry(3, ".*"));
    expect(parseOnFailure("RETRY-5")).toEqual(retry(5, ".*"));
    expect(parseOnFailure("RETRY-0")).toEqual(retry(0, ".*"));
    expect(parseOnFailure("RETRY-Connection reset")).toEqual(retry(3, "Connection reset"));
    expect(parseOnFailure("RETRY-2-exit status [0-9]+")).toEqual(retry(2, "exit status [0-9]+"));
    expect(parseOnFailure("RETRY-(?i)timeout")).toEqual(retry(3, "timeout", "i"));
  });

  it("rejects other values, counts over 100 and regexes that do not compile", () => {
    expect(parseOnFailure("abort")).toMatchObject({ ok: false });
    expect(parseOnFailure("RETRY-")).toMatchObject({ ok: false });
    expect(parseOnFailure("RETRY-101")).toEqual({
      ok: false,
      message: "retry count must be between 0 and 100, got 101",
    });
    expect(parseOnFailure("RETRY-3-([a-")).toMatchObject({ ok: false });
  });
});
