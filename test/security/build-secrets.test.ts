/**
 * Secrets stay secret: a variable resolved from Parameter Store or Secrets Manager, or a copy of
 * one, is never exported into the build record, and no phase context repeats a secret's value.
 */
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { BatchGetBuildsCommand } from "@aws-sdk/client-codebuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../e2e/s3-support.js";
import { Harness, leaked } from "./support.js";

const TOKEN = "tok-3f9a1c-parameter-secret";
const API_KEY = "key-77e2d0-secrets-manager-secret";

describe("secrets in builds", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
    const ssm = new SSMClient(h.server.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: "/ci/token", Type: "SecureString", Value: TOKEN }));
    ssm.destroy();
    const sm = new SecretsManagerClient(h.server.clientConfig);
    await sm.send(
      new CreateSecretCommand({ Name: "ci/api", SecretString: JSON.stringify({ key: API_KEY }) }),
    );
    sm.destroy();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("exports no variable that holds a secret, resolved or copied, and says so in the log", async () => {
    const r = await h.run({
      buildspec: [
        "version: 0.2",
        "env:",
        "  parameter-store:",
        "    TOKEN: /ci/token",
        "  secrets-manager:",
        "    API_KEY: ci/api:key",
        "  exported-variables: [TOKEN, API_KEY, COPY, WRAPPED, PLAIN]",
        "phases:",
        "  build:",
        "    commands:",
        '      - export COPY="$TOKEN" WRAPPED="prefix-$API_KEY-suffix" PLAIN=visible',
        // Compared by digest: the buildspec is in the log, so the secret may not be written in it.
        `      - test "$(printf %s "$TOKEN" | sha256sum | cut -c1-64)" = ${sha256(TOKEN)} && echo 'the build has its secret'`,
        '      - echo "$TOKEN"',
        "      - exit 3 # fails, so the context is written",
      ].join("\n"),
    });
    expect(r.log).toContain("the build has its secret");
    expect(r.log).toContain("***");
    expect(r.build.exportedEnvironmentVariables).toEqual([{ name: "PLAIN", value: "visible" }]);
    for (const name of ["TOKEN", "API_KEY", "COPY", "WRAPPED"]) {
      expect(r.log).toContain(`Not exporting ${name}: it holds a secret value`);
    }
    const record = await h.codebuild.send(new BatchGetBuildsCommand({ ids: [r.build.id!] }));
    expect(leaked(JSON.stringify(record) + r.log, [TOKEN, API_KEY, ...h.secrets()])).toEqual([]);
  });

  it("names a secret it cannot fetch without printing any secret", async () => {
    const r = await h.run({
      buildspec: [
        "version: 0.2",
        "env:",
        "  parameter-store:",
        "    TOKEN: /ci/token",
        "    MISSING: /ci/missing",
        "phases:",
        "  build:",
        "    commands:",
        "      - echo never",
      ].join("\n"),
    });
    expect(r.build.buildStatus).toBe("FAILED");
    const context = JSON.stringify(r.build.phases);
    expect(context).toContain("/ci/missing");
    expect(leaked(context + r.log, [TOKEN])).toEqual([]);
  });
});
