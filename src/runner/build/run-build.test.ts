import { describe, expect, it } from "vitest";
import { build, outputLines, phaseSummary } from "./fixtures/fake-api.fixture.js";

const ALL_OK = [
  "SUBMITTED:SUCCEEDED",
  "QUEUED:SUCCEEDED",
  "PROVISIONING:SUCCEEDED",
  "DOWNLOAD_SOURCE:SUCCEEDED",
  "INSTALL:SUCCEEDED",
  "PRE_BUILD:SUCCEEDED",
  "BUILD:SUCCEEDED",
  "POST_BUILD:SUCCEEDED",
  "UPLOAD_ARTIFACTS:SUCCEEDED",
  "FINALIZING:SUCCEEDED",
  "COMPLETED",
];

describe("runBuild phases", () => {
  it("runs every phase in order and succeeds, with AWS-like log lines", async () => {
    const r = await build("version: 0.2\nphases:\n  build:\n    commands:\n      - echo hello\n");
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(phaseSummary(r.outcome)).toEqual(ALL_OK);
    expect(r.outcome.phases.at(-1)).not.toHaveProperty("endTime");
    for (const p of r.outcome.phases.slice(0, -1)) expect(p.durationInSeconds).toBeGreaterThanOrEqual(0);
    expect(r.text[0]).toMatch(/sandbox|bubblewrap|process/i);
    expect(r.text).toContain("hello");
    expect(
      r.text.some((l) =>
        /^\[Container\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} Entering phase BUILD$/.test(l),
      ),
    ).toBe(true);
    expect(r.text.some((l) => l.endsWith("Running command echo hello"))).toBe(true);
    expect(r.text.some((l) => l.endsWith("Phase complete: BUILD State: SUCCEEDED"))).toBe(true);
    // Every change was reported, the last report equals the outcome.
    expect(r.phases.at(-1)).toEqual(r.outcome.phases);
  });

  it("skips to FINALIZING when INSTALL fails", async () => {
    const r = await build(
      "version: 0.2\nphases:\n  install:\n    commands:\n      - exit 3\n  build:\n    commands:\n      - echo never\n",
    );
    expect(r.outcome.status).toBe("FAILED");
    expect(phaseSummary(r.outcome)).toEqual([
      ...ALL_OK.slice(0, 4),
      "INSTALL:FAILED",
      "FINALIZING:SUCCEEDED",
      "COMPLETED",
    ]);
    expect(r.outcome.phases[4]!.contexts).toEqual([
      {
        statusCode: "COMMAND_EXECUTION_ERROR",
        message: "Error while executing command: exit 3. Reason: exit status 3",
      },
    ]);
    expect(r.text).not.toContain("never");
  });

  it("skips to FINALIZING when PRE_BUILD fails, after its finally block", async () => {
    const r = await build(
      "version: 0.2\nphases:\n  pre_build:\n    commands:\n      - 'false'\n      - echo skipped\n    finally:\n      - echo cleanup\n  post_build:\n    commands:\n      - echo never\n",
    );
    expect(phaseSummary(r.outcome).slice(4)).toEqual([
      "INSTALL:SUCCEEDED",
      "PRE_BUILD:FAILED",
      "FINALIZING:SUCCEEDED",
      "COMPLETED",
    ]);
    expect(outputLines(r.text)).toEqual(expect.arrayContaining(["cleanup"]));
    expect(r.text).not.toContain("skipped");
    expect(r.text).not.toContain("never");
  });

  it("runs POST_BUILD with CODEBUILD_BUILD_SUCCEEDING=0 after BUILD fails, and UPLOAD_ARTIFACTS", async () => {
    const r = await build(
      'version: 0.2\nphases:\n  build:\n    commands:\n      - echo "during $CODEBUILD_BUILD_SUCCEEDING"\n      - exit 2\n  post_build:\n    commands:\n      - echo "after $CODEBUILD_BUILD_SUCCEEDING"\n',
    );
    expect(r.outcome.status).toBe("FAILED");
    expect(phaseSummary(r.outcome).slice(6)).toEqual([
      "BUILD:FAILED",
      "POST_BUILD:SUCCEEDED",
      "UPLOAD_ARTIFACTS:SUCCEEDED",
      "FINALIZING:SUCCEEDED",
      "COMPLETED",
    ]);
    expect(outputLines(r.text)).toEqual(["during 1", "after 0"]);
  });

  it("goes on after a failure with on-failure: CONTINUE, and the build still fails", async () => {
    const r = await build(
      "version: 0.2\nphases:\n  install:\n    on-failure: CONTINUE\n    commands:\n      - 'false'\n  build:\n    commands:\n      - echo went on\n",
    );
    expect(r.outcome.status).toBe("FAILED");
    expect(phaseSummary(r.outcome)[4]).toBe("INSTALL:FAILED");
    expect(phaseSummary(r.outcome)[6]).toBe("BUILD:SUCCEEDED");
    expect(r.text).toContain("went on");
  });

  it("always runs finally, and a failing finally fails the phase", async () => {
    const r = await build(
      "version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\n    finally:\n      - echo finally ran\n      - exit 4\n",
    );
    expect(r.text).toContain("finally ran");
    expect(r.outcome.phases.find((p) => p.phaseType === "BUILD")).toMatchObject({
      phaseStatus: "FAILED",
      contexts: [{ message: "Error while executing command: exit 4. Reason: exit status 4" }],
    });
  });

  it("carries cd and export across commands and phases", async () => {
    const r = await build(
      'version: 0.2\nphases:\n  install:\n    commands:\n      - mkdir -p sub && cd sub\n      - export CARRIED=yes\n  build:\n    commands:\n      - echo "$(basename "$PWD") $CARRIED"\n',
    );
    expect(r.text).toContain("sub yes");
  });

  it("retries a phase with on-failure RETRY", async () => {
    const r = await build(
      "version: 0.2\nphases:\n  build:\n    on-failure: RETRY-2\n    commands:\n      - echo try >> tries.txt\n      - test $(wc -l < tries.txt) -ge 3\n",
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(r.text.filter((l) => l.includes("retrying"))).toHaveLength(2);
  });

  it("passes binary output through without breaking the build", async () => {
    const r = await build(
      "version: 0.2\nphases:\n  build:\n    commands:\n      - head -c 3000 /dev/urandom\n      - echo after\n",
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(r.text).toContain("after");
  });
});

describe("runBuild buildspec errors", () => {
  it("fails DOWNLOAD_SOURCE with YAML_FILE_ERROR before any command runs", async () => {
    const r = await build("version: 0.2\nphases:\n  build:\n    commands:\n      echo: [nope\n");
    expect(r.outcome.status).toBe("FAILED");
    expect(phaseSummary(r.outcome).slice(3)).toEqual([
      "DOWNLOAD_SOURCE:FAILED",
      "FINALIZING:SUCCEEDED",
      "COMPLETED",
    ]);
    const context = r.outcome.phases[3]!.contexts[0]!;
    expect(context.statusCode).toBe("YAML_FILE_ERROR");
    expect(context.message).toMatch(/^buildspec\.yml:\d+:\d+: /);
    expect(r.text.some((l) => l.includes("Running command"))).toBe(false);
  });

  it("names the key path of a wrong type", async () => {
    const r = await build("version: 0.2\nphases:\n  build:\n    commands:\n      a: b\n");
    expect(r.outcome.phases[3]!.contexts[0]!.message).toMatch(
      /buildspec\.yml:5:\d+: phases\.build\.commands/,
    );
  });

  it("fails with YAML_FILE_ERROR when the buildspec file is missing", async () => {
    const r = await build("", { job: { source: { type: "S3", buildspec: "ci/missing.yml" } } });
    expect(r.outcome.phases[3]!.contexts[0]).toMatchObject({ statusCode: "YAML_FILE_ERROR" });
    expect(r.outcome.phases[3]!.contexts[0]!.message).toContain("ci/missing.yml");
  });

  it("runs an inline buildspec from the job", async () => {
    const r = await build("not: used", {
      job: {
        source: {
          type: "NO_SOURCE",
          buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo inline\n",
        },
      },
    });
    expect(r.text).toContain("inline");
  });
});
