import { afterEach, describe, expect, it, vi } from "vitest";
import { findOnPath } from "../../platform/sandbox/index.js";
import { build, outputLines, phaseSummary } from "./fixtures/fake-api.fixture.js";

// Switching users takes a root runner and setpriv, as in CI.
const canSwitch = process.getuid?.() === 0 && findOnPath("setpriv") !== undefined;

function phase(r: Awaited<ReturnType<typeof build>>, type: string) {
  return r.outcome.phases.find((p) => p.phaseType === type);
}

describe.skipIf(!canSwitch)("run-as", () => {
  it("runs every command as the top-level user, which owns the source, with secrets still masked", async () => {
    const r = await build(
      [
        "version: 0.2",
        "run-as: nobody",
        "env:",
        "  parameter-store:",
        "    TOKEN: /ci/token",
        "phases:",
        "  install:",
        "    commands:",
        "      - id -un",
        "      - echo built > out.txt && stat -c %U out.txt buildspec.yml",
        '      - echo "token $TOKEN"',
        "  build:",
        "    commands:",
        "      - id -un",
      ].join("\n"),
      { parameters: { "/ci/token": "s3cr3t-value" } },
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(outputLines(r.text)).toEqual(["nobody", "nobody", "nobody", "token ***", "nobody"]);
  });

  it("switches users per phase, carrying the directory and exported variables", async () => {
    const r = await build(
      [
        "version: 0.2",
        "phases:",
        "  install:",
        "    commands:",
        "      - mkdir -p sub && cd sub && export FROM_ROOT=1",
        "      - id -un",
        "  pre_build:",
        "    run-as: nobody",
        "    commands:",
        '      - echo "$(id -un) $(basename "$PWD") $FROM_ROOT"',
        "      - export FROM_NOBODY=2 && touch by-nobody",
        "  build:",
        "    commands:",
        '      - echo "$(id -un) $(basename "$PWD") $FROM_NOBODY"',
        "      - stat -c %U by-nobody",
      ].join("\n"),
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(outputLines(r.text)).toEqual(["root", "nobody sub 1", "root sub 2", "nobody"]);
    expect(r.text.some((l) => l.endsWith("Running commands as nobody (uid 65534)"))).toBe(true);
  });

  it("runs /bin/sh as the user too", async () => {
    const r = await build(
      'version: 0.2\nrun-as: nobody\nenv:\n  shell: /bin/sh\nphases:\n  build:\n    commands:\n      - echo "$0 $(id -un)"\n',
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(outputLines(r.text)).toEqual(["/bin/sh nobody"]);
  });

  it("fails the phase that names a user that does not exist, and DOWNLOAD_SOURCE for a top-level one", async () => {
    const perPhase = await build(
      "version: 0.2\nphases:\n  install:\n    commands:\n      - echo installed\n  pre_build:\n    run-as: pw-no-such-user\n    commands:\n      - echo never\n",
    );
    expect(perPhase.outcome.status).toBe("FAILED");
    expect(phaseSummary(perPhase.outcome)).toContain("PRE_BUILD:FAILED");
    expect(phase(perPhase, "PRE_BUILD")!.contexts).toEqual([
      {
        statusCode: "COMMAND_EXECUTION_ERROR",
        message: "run-as pw-no-such-user: no such user in the build environment",
      },
    ]);
    expect(outputLines(perPhase.text)).toEqual(["installed"]);

    const topLevel = await build(
      "version: 0.2\nrun-as: pw-no-such-user\nphases:\n  build:\n    commands:\n      - echo never\n",
    );
    expect(phaseSummary(topLevel.outcome)).toContain("DOWNLOAD_SOURCE:FAILED");
    expect(phase(topLevel, "DOWNLOAD_SOURCE")!.contexts[0]!.message).toBe(
      "run-as pw-no-such-user: no such user in the build environment",
    );
    expect(outputLines(topLevel.text)).toEqual([]);
  });
});

describe("run-as on a runner that is not root", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("fails clearly instead of running as the runner's user", async () => {
    vi.spyOn(process, "getuid").mockReturnValue(4242);
    const r = await build(
      "version: 0.2\nphases:\n  build:\n    run-as: nobody\n    commands:\n      - echo never\n",
    );
    expect(r.outcome.status).toBe("FAILED");
    expect(phase(r, "BUILD")!.contexts[0]).toEqual({
      statusCode: "COMMAND_EXECUTION_ERROR",
      message:
        "run-as: cannot run commands as nobody: the runner runs as uid 4242, not root, so it cannot switch users",
    });
    expect(outputLines(r.text)).toEqual([]);
  });
});
