import { describe, expect, it } from "vitest";
import { parseBuildspec } from "./index.js";

function warningsOf(text: string): string[] {
  const result = parseBuildspec(text);
  if (!result.ok) throw new Error(`expected a valid buildspec:\n${result.errors.join("\n")}`);
  return result.warnings.map(String);
}

const BUILD = "phases:\n  build:\n    commands:\n      - make\n";

describe("parseBuildspec: warnings for what CodeBuild ignores", () => {
  it("suggests the right name for a misspelled phase", () => {
    const text =
      "version: 0.2\nphases:\n  biuld:\n    commands: [a]\n  prebuild:\n    commands: [b]\n" +
      "  post-build:\n    commands: [c]\n  Install:\n    commands: [d]\n  deploy:\n    commands: [e]\n";
    const phases = "(phases are install, pre_build, build, post_build)";
    expect(warningsOf(text)).toEqual([
      `buildspec.yml:3:3: phases.biuld is not a build phase and is ignored; did you mean "build"? ${phases}`,
      `buildspec.yml:5:3: phases.prebuild is not a build phase and is ignored; did you mean "pre_build"? ${phases}`,
      `buildspec.yml:7:3: phases.post-build is not a build phase and is ignored; did you mean "post_build"? ${phases}`,
      `buildspec.yml:9:3: phases.Install is not a build phase and is ignored; did you mean "install"? ${phases}`,
      `buildspec.yml:11:3: phases.deploy is not a build phase and is ignored; ${phases}`,
    ]);
    const result = parseBuildspec(text);
    expect(result.ok && result.buildspec.phases.every((p) => !p.declared)).toBe(true);
  });

  it("warns about unknown keys at every level, with suggestions", () => {
    const text =
      "version: 0.2\nenviroment: {}\nenv:\n  varibles:\n    A: b\n" +
      "phases:\n  build:\n    command:\n      - make\n    commands: [make]\n    timeout: 5\n" +
      "artifacts:\n  files: [x]\n  discard_paths: yes\n  secondary-artifacts:\n    s:\n      files: [y]\n      nme: z\n" +
      "reports:\n  r:\n    files: [a]\n    fileformat: JUNITXML\ncache:\n  paths: [p]\n  keys: k\nproxy:\n  log: yes\n";
    expect(warningsOf(text)).toEqual([
      "buildspec.yml:2:1: enviroment is not a buildspec key and is ignored",
      'buildspec.yml:4:3: env.varibles is not an env key and is ignored; did you mean "variables"?',
      'buildspec.yml:8:5: phases.build.command is not a phase key and is ignored; did you mean "commands"?',
      "buildspec.yml:11:5: phases.build.timeout is not a phase key and is ignored",
      'buildspec.yml:14:3: artifacts.discard_paths is not an artifacts key and is ignored; did you mean "discard-paths"?',
      'buildspec.yml:18:7: artifacts.secondary-artifacts.s.nme is not a secondary artifact key and is ignored; did you mean "name"?',
      'buildspec.yml:22:5: reports.r.fileformat is not a report key and is ignored; did you mean "file-format"?',
      'buildspec.yml:25:3: cache.keys is not a cache key and is ignored; did you mean "key"?',
      'buildspec.yml:27:3: proxy.log is not a proxy key and is ignored; did you mean "logs"?',
    ]);
  });

  it("runs a buildspec without phases, and says nothing will run", () => {
    const result = parseBuildspec("version: 0.2\nartifacts:\n  files: ['**/*']\n");
    expect(result.ok).toBe(true);
    expect(result.warnings.map(String)).toEqual([
      "buildspec.yml:1:1: phases is missing: no commands will run",
    ]);
  });

  it("warns about a declared phase with nothing to run", () => {
    expect(warningsOf("version: 0.2\nphases:\n  build:\n  install:\n    commands: []\n")).toEqual([
      "buildspec.yml:3:3: phases.build has no commands",
    ]);
  });

  it("accepts batch and says batch builds are not supported", () => {
    const result = parseBuildspec(
      `version: 0.2\nbatch:\n  fast-fail: true\n  build-list:\n    - identifier: a\n${BUILD}`,
    );
    expect(result.ok && result.buildspec.batch).toEqual({
      "fast-fail": true,
      "build-list": [{ identifier: "a" }],
    });
    expect(result.warnings.map(String)).toEqual([
      "buildspec.yml:2:1: batch is not supported: batch builds are ignored and this runs as one build",
    ]);
  });

  it("warns about runtime-versions outside install and ignores them", () => {
    const result = parseBuildspec(
      "version: 0.2\nphases:\n  build:\n    runtime-versions:\n      nodejs: 20\n    commands: [x]\n",
    );
    expect(result.ok && result.buildspec.phases[2]?.runtimeVersions).toEqual({});
    expect(result.warnings.map(String)).toEqual([
      "buildspec.yml:4:5: phases.build.runtime-versions is ignored: runtime-versions is read only in the install phase",
    ]);
  });

  it("warns about reserved and unexportable variable names", () => {
    const text =
      "version: 0.2\nenv:\n  variables:\n    CODEBUILD_X: 1\n  parameter-store:\n    SECRET: /p\n" +
      `  exported-variables:\n    - AWS_REGION\n    - SECRET\n    - OK\n${BUILD}`;
    expect(warningsOf(text)).toEqual([
      "buildspec.yml:4:5: env.variables.CODEBUILD_X uses the CODEBUILD_ prefix, which is reserved for CodeBuild's own variables",
      "buildspec.yml:8:7: env.exported-variables[0] (AWS_REGION) cannot be exported: names starting with AWS_ are reserved",
      "buildspec.yml:9:7: env.exported-variables[1] (SECRET) comes from a secret store and cannot be exported",
    ]);
  });

  it("warns that a Windows shell will not run here, and about YAML tags it cannot resolve", () => {
    expect(
      warningsOf(`version: 0.2\nenv:\n  shell: powershell.exe\n  variables:\n    A: !custom b\n${BUILD}`),
    ).toEqual([
      "buildspec.yml:3:10: env.shell is a Windows shell; Pipewright runs builds on Linux with bash or /bin/sh",
      "buildspec.yml:5:8: YAML: Unresolved tag: !custom",
    ]);
  });

  it("ignores fallback-keys without a key", () => {
    expect(warningsOf(`version: 0.2\n${BUILD}cache:\n  fallback-keys: [a]\n  paths: [p]\n`)).toEqual([
      "buildspec.yml:7:3: cache.fallback-keys is ignored because cache.key is not set",
    ]);
  });
});
