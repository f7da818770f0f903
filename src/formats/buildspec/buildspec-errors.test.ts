import { describe, expect, it } from "vitest";
import {
  MAX_ERRORS,
  formatDiagnostics,
  parseBuildspec,
  yamlFileErrorContext,
  type ParseResult,
} from "./index.js";

function errorsOf(text: string, fileName?: string): string[] {
  const result = parseBuildspec(text, fileName === undefined ? {} : { fileName });
  if (result.ok) throw new Error("expected the buildspec to be invalid");
  return result.errors.map(String);
}

function warningsOf(result: ParseResult): string[] {
  return result.warnings.map(String);
}

const BUILD = "phases:\n  build:\n    commands:\n      - make\n";

describe("parseBuildspec: errors", () => {
  it("reports a YAML syntax error at its position", () => {
    expect(errorsOf("version: 0.2\nphases:\n  build:\n\tcommands: [x]\n")).toEqual([
      "buildspec.yml:4:1: YAML syntax error: Tabs are not allowed as indentation",
    ]);
    // An unclosed flow list is noticed where the file ends.
    expect(errorsOf("version: 0.2\nphases:\n  build:\n    commands: [make\n")).toEqual([
      "buildspec.yml:5:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });

  it("reports duplicate keys, as the Go YAML library does", () => {
    expect(errorsOf(`version: 0.2\nversion: 0.2\n${BUILD}`)).toEqual([
      "buildspec.yml:2:1: YAML syntax error: Map keys must be unique",
    ]);
  });

  it("uses the file name it is given", () => {
    expect(errorsOf(`version: 0.3\n${BUILD}`, "ci/buildspec-release.yml")).toEqual([
      "ci/buildspec-release.yml:1:10: version must be 0.1 or 0.2, got a number (0.3)",
    ]);
  });

  it("names the allowed versions for a wrong one", () => {
    expect(errorsOf(`version: "1.0"\n${BUILD}`)).toEqual([
      'buildspec.yml:1:10: version must be 0.1 or 0.2, got a string ("1.0")',
    ]);
    expect(errorsOf(`version:\n${BUILD}`)).toEqual([
      "buildspec.yml:1:1: version must be 0.1 or 0.2, got nothing",
    ]);
  });

  it("requires version", () => {
    expect(errorsOf(`# build it\n${BUILD}`)).toEqual([
      "buildspec.yml:2:1: version is required; it must be 0.1 or 0.2 (0.2 is recommended)",
    ]);
  });

  it("rejects commands written as a mapping", () => {
    expect(errorsOf("version: 0.2\nphases:\n  build:\n    commands:\n      make: all\n")).toEqual([
      "buildspec.yml:5:7: phases.build.commands must be a list of strings, got a mapping",
    ]);
  });

  it("rejects commands that are not a list", () => {
    expect(errorsOf("version: 0.2\nphases:\n  build:\n    commands: make all\n")).toEqual([
      'buildspec.yml:4:15: phases.build.commands must be a list of strings, got a string ("make all")',
    ]);
  });

  it("explains a command that YAML read as a mapping because of an unquoted colon", () => {
    expect(
      errorsOf('version: 0.2\nphases:\n  build:\n    commands:\n      - echo "FATAL: broken"\n'),
    ).toEqual([
      'buildspec.yml:5:9: phases.build.commands[0] must be a string, got a mapping (a command containing ": " must be quoted)',
    ]);
  });

  it("rejects a phase written as a list", () => {
    expect(errorsOf("version: 0.2\nphases:\n  build:\n    - make\n")).toEqual([
      "buildspec.yml:4:5: phases.build must be a mapping with commands, got a list (put the list under commands:)",
    ]);
  });

  it("rejects an invalid on-failure, naming the allowed forms", () => {
    expect(
      errorsOf("version: 0.2\nphases:\n  build:\n    on-failure: IGNORE\n    commands: [make]\n"),
    ).toEqual([
      'buildspec.yml:4:17: phases.build.on-failure must be ABORT, CONTINUE, RETRY, RETRY-<count>, RETRY-<regex> or RETRY-<count>-<regex>, got "IGNORE"',
    ]);
    expect(
      errorsOf("version: 0.2\nphases:\n  build:\n    on-failure: RETRY-101\n    commands: [make]\n"),
    ).toEqual(["buildspec.yml:4:17: phases.build.on-failure retry count must be between 0 and 100, got 101"]);
  });

  it("rejects artifacts.files that is not a list, and artifacts without files", () => {
    expect(errorsOf(`version: 0.2\n${BUILD}artifacts:\n  files:\n    jar: target/app.jar\n`)).toEqual([
      "buildspec.yml:8:5: artifacts.files must be a list of strings, got a mapping",
    ]);
    expect(
      errorsOf(`version: 0.2\n${BUILD}artifacts:\n  secondary-artifacts:\n    docs:\n      files: [docs]\n`),
    ).toEqual(["buildspec.yml:7:3: artifacts.files is required: the list of output locations"]);
  });

  it("rejects a report with a file-format CodeBuild does not know", () => {
    expect(
      errorsOf(`version: 0.2\n${BUILD}reports:\n  unit:\n    files: ['*.xml']\n    file-format: JUNIT\n`),
    ).toEqual([
      "buildspec.yml:9:18: reports.unit.file-format must be one of JUNITXML, CUCUMBERJSON, TESTNGXML, NUNITXML, " +
        'NUNIT3XML, VISUALSTUDIOTRX (test reports) or CLOVERXML, COBERTURAXML, JACOCOXML, SIMPLECOV (code coverage), got "JUNIT"',
    ]);
  });

  it("rejects an env variable whose value is a mapping", () => {
    expect(errorsOf(`version: 0.2\nenv:\n  variables:\n    OPTS:\n      heap: 2g\n${BUILD}`)).toEqual([
      "buildspec.yml:5:7: env.variables.OPTS must be a string, got a mapping",
    ]);
  });

  it("rejects malformed secrets-manager references", () => {
    const text =
      "version: 0.2\nenv:\n  secrets-manager:\n    A: ':key'\n    B: name:key:stage:id:extra\n" +
      `    C: arn:aws:s3:::bucket/key\n    D:\n${BUILD}`;
    expect(errorsOf(text)).toEqual([
      "buildspec.yml:4:8: env.secrets-manager.A has no secret-id; expected secret-id:json-key:version-stage:version-id",
      "buildspec.yml:5:8: env.secrets-manager.B has 4 parts after the secret-id, at most 3 are allowed " +
        '(secret-id:json-key:version-stage:version-id), got "name:key:stage:id:extra"',
      'buildspec.yml:6:8: env.secrets-manager.C has secret-id "arn:aws:s3:::bucket/key" that is not a Secrets Manager ' +
        "secret ARN (arn:aws:secretsmanager:region:account-id:secret:name)",
      "buildspec.yml:7:5: env.secrets-manager.D must be a reference secret-id:json-key:version-stage:version-id, got nothing",
    ]);
  });

  it("rejects an unknown shell, naming the supported ones", () => {
    expect(errorsOf(`version: 0.2\nenv:\n  shell: zsh\n${BUILD}`)).toEqual([
      'buildspec.yml:3:10: env.shell must be one of bash, /bin/sh, powershell.exe, cmd.exe, got "zsh"',
    ]);
  });

  it("rejects a flag that is not yes or no", () => {
    expect(errorsOf(`version: 0.2\nenv:\n  git-credential-helper: maybe\n${BUILD}`)).toEqual([
      'buildspec.yml:3:26: env.git-credential-helper must be yes or no, got a string ("maybe")',
    ]);
  });

  it("rejects cache without paths and an unknown cache action", () => {
    expect(errorsOf(`version: 0.2\n${BUILD}cache:\n  key: k\n  action: both\n`)).toEqual([
      "buildspec.yml:7:3: cache.paths is required: the list of locations to cache",
      'buildspec.yml:8:11: cache.action must be restore or save, got "both"',
    ]);
  });

  it("rejects an empty file", () => {
    expect(errorsOf("")).toEqual([
      "buildspec.yml:1:1: the buildspec is empty; it must be a mapping that starts with version: 0.2",
    ]);
    expect(errorsOf("# nothing here\n")).toHaveLength(1);
  });

  it("rejects a file that is just a string", () => {
    expect(errorsOf("echo hello\n")).toEqual([
      'buildspec.yml:1:1: the buildspec must be a mapping that starts with version: 0.2, got a string ("echo hello")',
    ]);
  });

  it("rejects a second YAML document", () => {
    expect(errorsOf(`version: 0.2\n${BUILD}---\nversion: 0.2\n`)).toEqual([
      "buildspec.yml:6:1: YAML syntax error: a buildspec must be a single YAML document (found a second ---)",
    ]);
  });

  it("rejects an alias loop and bounds merges that multiply (billion laughs)", () => {
    expect(errorsOf("version: 0.2\nphases:\n  build: &x\n    <<: *x\n    commands: [a]\n")).toEqual([
      "buildspec.yml:4:9: phases.build merges itself through an alias (<<: *anchor inside the anchor)",
    ]);
    const levels = Array.from(
      { length: 12 },
      (_, i) => `a${i + 1}: &a${i + 1}\n  <<: [${Array(10).fill(`*a${i}`).join(", ")}]\n`,
    );
    const bomb = `version: 0.2\na0: &a0 {k: 1}\n${levels.join("")}phases:\n  build:\n    <<: *a12\n    commands: [x]\n`;
    expect(errorsOf(bomb)).toEqual([
      "buildspec.yml:4:8: phases.build uses more than 10000 merged keys; simplify its << merges",
    ]);
  });

  it("collects every error, in file order, up to the cap", () => {
    const phases = Array.from({ length: 30 }, (_, i) => `      - {bad${i}: x}\n`).join("");
    const result = parseBuildspec(`version: 9\nphases:\n  build:\n    commands:\n${phases}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(MAX_ERRORS);
    expect(result.omittedErrors).toBe(31 - MAX_ERRORS);
    expect(String(result.errors[0])).toBe("buildspec.yml:1:10: version must be 0.1 or 0.2, got a number (9)");
    expect(result.errors.map((e) => e.line)).toEqual(
      [...result.errors.map((e) => e.line)].sort((a, b) => a - b),
    );
  });
});

describe("diagnostics", () => {
  it("carries file, line, column and path as fields", () => {
    const result = parseBuildspec("version: 0.2\nphases:\n  build:\n    commands: {a: b}\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const [error] = result.errors;
    expect(error).toMatchObject({
      file: "buildspec.yml",
      line: 4,
      column: 15,
      path: "phases.build.commands",
      message: "must be a list of strings, got a mapping",
      severity: "error",
    });
  });

  it("formats the YAML_FILE_ERROR context and build log lines", () => {
    const result = parseBuildspec("version: 0.3\nphases:\n  build:\n    commands: x\nfoo: 1\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(yamlFileErrorContext(result.errors)).toBe(
      "buildspec.yml:1:10: version must be 0.1 or 0.2, got a number (0.3); " +
        'buildspec.yml:4:15: phases.build.commands must be a list of strings, got a string ("x")',
    );
    expect(yamlFileErrorContext(result.errors.slice(0, 1), 3)).toBe(
      "buildspec.yml:1:10: version must be 0.1 or 0.2, got a number (0.3); and 3 more errors",
    );
    expect(formatDiagnostics([...result.warnings, ...result.errors], 1)).toEqual([
      "error: buildspec.yml:1:10: version must be 0.1 or 0.2, got a number (0.3)",
      'error: buildspec.yml:4:15: phases.build.commands must be a list of strings, got a string ("x")',
      "warning: buildspec.yml:5:1: foo is not a buildspec key and is ignored",
      "error: … and 1 more error",
    ]);
    expect(warningsOf(result)).toEqual(["buildspec.yml:5:1: foo is not a buildspec key and is ignored"]);
  });
});
