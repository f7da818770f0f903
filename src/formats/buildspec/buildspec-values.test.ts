import { describe, expect, it } from "vitest";
import { parseBuildspec, type Buildspec, type ParseResult } from "./index.js";

function parsed(text: string): { buildspec: Buildspec; warnings: string[] } {
  const result = parseBuildspec(text);
  if (!result.ok) throw new Error(`expected a valid buildspec:\n${result.errors.join("\n")}`);
  return { buildspec: result.buildspec, warnings: result.warnings.map(String) };
}

function messages(result: ParseResult): { errors: string[]; warnings: string[] } {
  return { errors: result.ok ? [] : result.errors.map(String), warnings: result.warnings.map(String) };
}

describe("parseBuildspec: versions", () => {
  it("accepts 0.2 as a number or a string", () => {
    expect(parsed('version: "0.2"\nphases: {build: {commands: [x]}}\n').buildspec.version).toBe("0.2");
    expect(parsed("version: 0.2\nphases: {build: {commands: [x]}}\n").buildspec.version).toBe("0.2");
  });

  it("flags 0.1 so the runner gives each command its own shell", () => {
    const { buildspec } = parsed(
      "version: 0.1\nphases:\n  build:\n    commands:\n      - cd sub\n      - pwd\n",
    );
    expect(buildspec.version).toBe("0.1");
    expect(buildspec.shellPerCommand).toBe(true);
  });
});

describe("parseBuildspec: commands", () => {
  it("keeps a block scalar as one command, and folded scalars folded", () => {
    const { buildspec } = parsed(
      "version: 0.2\nphases:\n  build:\n    commands:\n      - |\n        set -e\n        make\n      - >-\n        echo one\n        two\n      - echo three\n",
    );
    expect(buildspec.phases[2]?.commands).toEqual(["set -e\nmake\n", "echo one two", "echo three"]);
  });

  it("takes number and boolean commands as written", () => {
    const { buildspec } = parsed(
      "version: 0.2\nphases:\n  build:\n    commands:\n      - 1.10\n      - yes\n      - 0755\n",
    );
    expect(buildspec.phases[2]?.commands).toEqual(["1.10", "yes", "0755"]);
  });

  it("resolves anchors, aliases and << merge keys", () => {
    const { buildspec } = parsed(
      "version: 0.2\nx-common: &common\n  on-failure: CONTINUE\n  commands: &cmds\n    - make\nphases:\n  build:\n    <<: *common\n    finally: *cmds\n",
    );
    const build = buildspec.phases[2];
    expect(build?.onFailure).toEqual({ action: "CONTINUE" });
    expect(build?.commands).toEqual(["make"]);
    expect(build?.finally).toEqual(["make"]);
  });

  it("skips an empty command with a warning", () => {
    const result = parseBuildspec("version: 0.2\nphases:\n  build:\n    commands:\n      -\n      - make\n");
    expect(result.ok && result.buildspec.phases[2]?.commands).toEqual(["make"]);
    expect(messages(result).warnings).toEqual([
      "buildspec.yml:5:8: phases.build.commands[0] is empty and is skipped",
    ]);
  });

  it("runs an install phase that has only runtime-versions", () => {
    const { buildspec, warnings } = parsed(
      "version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: 20\n",
    );
    expect(buildspec.phases[0]?.runtimeVersions).toEqual({ nodejs: "20" });
    expect(warnings).toEqual([]);
  });
});

describe("parseBuildspec: values converted as CodeBuild converts them", () => {
  it("turns numbers and booleans in env.variables into the strings written, and empty into ''", () => {
    const { buildspec } = parsed(
      "version: 0.2\nenv:\n  variables:\n    A: 1.0\n    B: true\n    C: no\n    D: 0x1F\n    E:\n    F: '007'\nphases:\n  build:\n    commands: [env]\n",
    );
    expect(buildspec.env.variables).toEqual({ A: "1.0", B: "true", C: "no", D: "0x1F", E: "", F: "007" });
  });

  it("accepts yes/no, true/false and quoted forms for flags", () => {
    const { buildspec } = parsed(
      "version: 0.2\nphases:\n  build:\n    commands: [x]\nartifacts:\n  files: ['*']\n  discard-paths: 'YES'\n  enable-symlinks: false\n" +
        "reports:\n  r:\n    files: ['*.xml']\n    discard-paths: \"true\"\n",
    );
    expect(buildspec.artifacts?.discardPaths).toBe(true);
    expect(buildspec.artifacts?.enableSymlinks).toBe(false);
    expect(buildspec.reports[0]?.discardPaths).toBe(true);
  });

  it("accepts a single string where a list of globs is expected, as AWS's tutorials write it", () => {
    const { buildspec } = parsed(
      "version: 0.2\nphases:\n  build:\n    commands: [x]\nartifacts:\n  files: imagedefinitions.json\n",
    );
    expect(buildspec.artifacts?.files).toEqual(["imagedefinitions.json"]);
  });
});
