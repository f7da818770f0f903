import { describe, expect, it } from "vitest";
import { build, outputLines } from "./fixtures/fake-api.fixture.js";
import { SecretMasker } from "./masking.js";

describe("build environment", () => {
  it("applies precedence StartBuild override > project > buildspec", async () => {
    const r = await build(
      'version: 0.2\nenv:\n  variables:\n    A: spec\n    B: spec\n    C: spec\nphases:\n  build:\n    commands:\n      - echo "$A $B $C"\n',
      {
        // job.environmentVariables already holds the override over the project's value for A.
        job: {
          environmentVariables: [
            { name: "A", value: "override", type: "PLAINTEXT" },
            { name: "B", value: "project", type: "PLAINTEXT" },
          ],
        },
      },
    );
    expect(r.text).toContain("override project spec");
  });

  it("sets the documented CODEBUILD_* variables, AWS_REGION and a writable HOME", async () => {
    const r = await build(
      "version: 0.2\nphases:\n  build:\n    commands:\n      - env | grep -E '^(CODEBUILD_|AWS_)' | sort\n      - touch \"$HOME/x\" && echo home-writable\n",
    );
    const out = outputLines(r.text);
    const vars = Object.fromEntries(
      out.filter((l) => l.includes("=")).map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(vars.CODEBUILD_BUILD_ID).toMatch(/^test:/);
    expect(vars.CODEBUILD_BUILD_ARN).toMatch(/^arn:aws:codebuild:us-east-1:000000000000:build\/test:/);
    expect(vars).toMatchObject({
      CODEBUILD_BUILD_NUMBER: "7",
      CODEBUILD_BUILD_SUCCEEDING: "1",
      CODEBUILD_INITIATOR: "root",
      CODEBUILD_RESOLVED_SOURCE_VERSION: "abc123",
      CODEBUILD_BUILD_IMAGE: "aws/codebuild/standard:7.0",
      CODEBUILD_PROJECT_ARN: "arn:aws:codebuild:us-east-1:000000000000:project/test",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
    });
    expect(vars.CODEBUILD_SRC_DIR).toMatch(/\/src$/);
    expect(vars.CODEBUILD_START_TIME).toMatch(/^\d{13}$/);
    expect(out).toContain("home-writable");
  });

  it("resolves parameter-store and secrets-manager values and masks them, multi-line line by line", async () => {
    const r = await build(
      'version: 0.2\nenv:\n  parameter-store:\n    P: /app/password\n  secrets-manager:\n    S: prod/key\nphases:\n  build:\n    commands:\n      - echo "p=$P"\n      - printf \'%s\\n\' "$S"\n      - echo "typed=$T"\n',
      {
        parameters: { "/app/password": "hunter2", "/typed": "typed-secret" },
        secrets: { "prod/key": "-----BEGIN KEY-----\nline-two-secret\n-----END KEY-----" },
        job: { environmentVariables: [{ name: "T", value: "/typed", type: "PARAMETER_STORE" }] },
      },
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(outputLines(r.text)).toEqual(["p=***", "***", "***", "***", "typed=***"]);
    expect(r.text.join("\n")).not.toMatch(/hunter2|line-two-secret|typed-secret/);
  });

  it("fails DOWNLOAD_SOURCE naming a parameter that does not exist", async () => {
    const r = await build(
      "version: 0.2\nenv:\n  parameter-store:\n    P: /no/such\nphases:\n  build:\n    commands:\n      - echo never\n",
    );
    expect(r.outcome.status).toBe("FAILED");
    const phase = r.outcome.phases.find((p) => p.phaseType === "DOWNLOAD_SOURCE")!;
    expect(phase.phaseStatus).toBe("FAILED");
    expect(phase.contexts[0]!.message).toContain("/no/such");
    expect(r.text).not.toContain("never");
  });

  it("fails DOWNLOAD_SOURCE naming a secret that does not exist", async () => {
    const r = await build(
      "version: 0.2\nenv:\n  secrets-manager:\n    S: missing-secret:key\nphases:\n  build:\n    commands:\n      - echo never\n",
    );
    expect(r.outcome.phases.find((p) => p.phaseType === "DOWNLOAD_SOURCE")!.contexts[0]!.message).toContain(
      "missing-secret",
    );
  });

  it("returns exported variables", async () => {
    const r = await build(
      'version: 0.2\nenv:\n  exported-variables:\n    - OUT\n    - NEVER_SET\nphases:\n  build:\n    commands:\n      - export OUT="made in build"\n',
    );
    expect(r.outcome.exportedEnvironmentVariables).toEqual([{ name: "OUT", value: "made in build" }]);
  });

  it("fails INSTALL for a runtime version the machine cannot provide, listing what it has", async () => {
    const r = await build("version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: 4\n");
    const install = r.outcome.phases.find((p) => p.phaseType === "INSTALL")!;
    expect(install.phaseStatus).toBe("FAILED");
    expect(install.contexts[0]!.message).toContain(`has the following versions: ${process.versions.node}`);
    const ok = await build(
      `version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: ${process.versions.node.split(".")[0]}.x\n`,
    );
    expect(ok.outcome.status).toBe("SUCCEEDED");
  });
});

describe("SecretMasker", () => {
  it("masks longest values first and ignores empty lines", () => {
    const m = new SecretMasker();
    m.add("abc");
    m.add("abcdef\n\n");
    expect(m.mask("x abcdef abc y")).toBe("x *** *** y");
    expect(m.mask("")).toBe("");
  });
});
