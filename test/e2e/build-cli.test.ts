import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipewrightCommand } from "../support/cli.js";

/** `pipewright build` in `cwd`; tsx is resolved from this repository, not from `cwd`. */
function pipewrightBuild(cwd: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const [cmd, pre] = pipewrightCommand();
  const tsx = createRequire(import.meta.url).resolve("tsx");
  const argv = pre.map((a) => (a === "tsx" ? tsx : a));
  return new Promise((resolve) => {
    const child = spawn(cmd, [...argv, "build", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("pipewright build", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pw-build-cli-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs a buildspec, prints output under phase headings and a phase table, and writes artifacts", async () => {
    await writeFile(
      join(dir, "buildspec.yml"),
      "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"hello $GREETING\"\n      - mkdir -p out && echo built > out/result.txt\nartifacts:\n  files:\n    - 'out/**/*'\n",
    );
    const { code, output } = await pipewrightBuild(dir, ["--env", "GREETING=world"]);
    expect(output).toContain("── BUILD ──");
    expect(output).toContain("hello world");
    expect(output).toMatch(/^BUILD\s+SUCCEEDED\s+\d+/m);
    expect(output).toMatch(/^UPLOAD_ARTIFACTS\s+SUCCEEDED/m);
    expect(output).toContain("Build SUCCEEDED");
    expect(code).toBe(0);
    expect(await readFile(join(dir, ".pipewright-artifacts/out/result.txt"), "utf8")).toBe("built\n");
  });

  it("prints each report group's counts and warns about a report file with no test cases, with times", async () => {
    await writeFile(
      join(dir, "buildspec.yml"),
      [
        "version: 0.2",
        "phases:",
        "  build:",
        "    commands:",
        "      - mkdir -p reports",
        '      - echo \'<testsuites><testcase name="a"/><testcase name="b"><failure/></testcase></testsuites>\' > reports/one.xml',
        "      - echo '<testsuites></testsuites>' > reports/empty.xml",
        "reports:",
        "  unit:",
        "    files: ['reports/*.xml']",
      ].join("\n"),
    );
    const { code, output } = await pipewrightBuild(dir);
    expect(code).toBe(0);
    expect(output).toMatch(
      /^· \d\d:\d\d:\d\d\.\d{3} Warning: report group unit: reports\/empty\.xml has no test cases/m,
    );
    expect(output).toMatch(
      /^· \d\d:\d\d:\d\d\.\d{3} Report group unit: 2 test cases \(1 succeeded, 1 failed, 0 skipped\) from 2 files$/m,
    );
    // Under the phase that printed them, not among the buildspec's phases.
    expect(output.indexOf("── UPLOAD_ARTIFACTS ──")).toBeLessThan(output.indexOf("Report group unit:"));
  });

  it("builds a copy of the directory, leaving the working tree as it was; --in-place builds it itself", async () => {
    await writeFile(
      join(dir, "buildspec.yml"),
      [
        "version: 0.2",
        "phases:",
        "  build:",
        "    commands:",
        "      - mkdir -p node_modules/dep out && echo generated > out/app.txt && rm buildspec.yml",
        "artifacts:",
        "  files: ['out/**/*']",
      ].join("\n"),
    );
    const copied = await pipewrightBuild(dir);
    expect(copied.code, copied.output).toBe(0);
    expect((await readdir(dir)).sort()).toEqual([".pipewright-artifacts", "buildspec.yml"]);
    expect(await readFile(join(dir, ".pipewright-artifacts/out/app.txt"), "utf8")).toBe("generated\n");
    const inPlace = await pipewrightBuild(dir, ["--in-place"]);
    expect(inPlace.code, inPlace.output).toBe(0);
    expect((await readdir(dir)).sort()).toEqual([".pipewright-artifacts", "node_modules", "out"]);
  });

  it("exits non-zero when a command fails, with the failing command in the table", async () => {
    await writeFile(
      join(dir, "buildspec.yml"),
      "version: 0.2\nphases:\n  build:\n    commands:\n      - exit 3\n",
    );
    const { code, output } = await pipewrightBuild(dir);
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /^BUILD\s+FAILED\s+.*COMMAND_EXECUTION_ERROR: Error while executing command: exit 3\. Reason: exit status 3/m,
    );
    expect(output).toContain("Build FAILED");
  });

  it("prints buildspec errors as file:line:column", async () => {
    await writeFile(join(dir, "ci.yml"), "version: 0.2\nphases:\n  build:\n    commands: [unclosed\n");
    const { code, output } = await pipewrightBuild(dir, ["--buildspec", "ci.yml"]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/ci\.yml:\d+:\d+: /);
    expect(output).toMatch(/^DOWNLOAD_SOURCE\s+FAILED\s+.*YAML_FILE_ERROR/m);
  });

  it("names a parameter-store value it cannot fetch, unless given with --env", async () => {
    await writeFile(
      join(dir, "buildspec.yml"),
      'version: 0.2\nenv:\n  parameter-store:\n    TOKEN: /ci/token\nphases:\n  build:\n    commands:\n      - echo "token $TOKEN"\n',
    );
    const failed = await pipewrightBuild(dir);
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain("/ci/token");
    expect(failed.output).toContain("--env");
    const given = await pipewrightBuild(dir, ["--env", "TOKEN=abc"]);
    expect(given.output).toContain("token abc");
    expect(given.code).toBe(0);
  });

  it("runs commands in /bin/sh when env.shell says so, where a bashism fails the build", async () => {
    await writeFile(
      join(dir, "buildspec.yml"),
      "version: 0.2\nenv:\n  shell: /bin/sh\nphases:\n  install:\n    commands:\n      - export CARRIED=yes\n  build:\n    commands:\n      - echo \"shell $0 carried $CARRIED\"\n      - '[[ 1 == 1 ]]'\n",
    );
    const { code, output } = await pipewrightBuild(dir);
    expect(output).toContain("shell /bin/sh carried yes");
    expect(output).toMatch(
      /^BUILD\s+FAILED\s+.*COMMAND_EXECUTION_ERROR: Error while executing command: \[\[ 1 == 1 \]\]\. Reason: exit status 127/m,
    );
    expect(code).not.toBe(0);
  });
});
