import { describe, expect, it } from "vitest";
import { processesLeftAfter, processesWithToken, uniqueToken } from "../shell/fixtures/sessions.fixture.js";
import { build, fakeApi, phaseSummary, testJob, testSandbox, workRoot } from "./fixtures/fake-api.fixture.js";
import { runBuild } from "./index.js";

/**
 * Limit for a build whose command would sleep 1000 s to end, and for its processes to be gone. Speed
 * is for benchmarks to measure; these tests only prove that nothing waits for the command, and leave
 * room for a loaded machine.
 */
const PROMPTLY_MS = 20_000;

describe("build lifecycle", () => {
  it("times out: TIMED_OUT with BUILD_TIMED_OUT, tree killed", async () => {
    const token = uniqueToken();
    const started = Date.now();
    const r = await build(`version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 1000.${token}\n`, {
      // 0.01 minutes = 600 ms.
      job: { timeoutInMinutes: 0.01 },
    });
    expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
    expect(r.outcome.status).toBe("TIMED_OUT");
    const buildPhase = r.outcome.phases.find((p) => p.phaseType === "BUILD")!;
    expect(buildPhase).toMatchObject({
      phaseStatus: "TIMED_OUT",
      contexts: [{ statusCode: "BUILD_TIMED_OUT" }],
    });
    expect(phaseSummary(r.outcome).slice(-2)).toEqual(["FINALIZING:SUCCEEDED", "COMPLETED"]);
    expect(await processesLeftAfter(token, PROMPTLY_MS)).toEqual([]);
  });

  it("stops on abort: STOPPED, tree killed", async () => {
    const token = uniqueToken();
    const controller = new AbortController();
    const building = build(
      `version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 1000.${token}\n      - echo never\n`,
      {
        options: { signal: controller.signal },
      },
    );
    // Abort while the command runs, rather than after a delay that a loaded machine may not meet.
    await expect.poll(() => processesWithToken(token), { timeout: PROMPTLY_MS }).not.toEqual([]);
    controller.abort();
    const r = await building;
    expect(r.outcome.status).toBe("STOPPED");
    expect(r.outcome.phases.find((p) => p.phaseType === "BUILD")!.phaseStatus).toBe("STOPPED");
    expect(r.text).not.toContain("never");
    expect(await processesLeftAfter(token, PROMPTLY_MS)).toEqual([]);
  });

  it("kills a daemon a command left running when the build ends", async () => {
    const token = uniqueToken();
    const r = await build(
      `version: 0.2\nphases:\n  build:\n    commands:\n      - nohup sleep 1000.${token} >/dev/null 2>&1 &\n      - setsid sleep 1001.${token} >/dev/null 2>&1 &\n`,
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(await processesLeftAfter(token, PROMPTLY_MS)).toEqual([]);
  });

  it("streams a lot of output in small ordered batches", async () => {
    const r = await build("version: 0.2\nphases:\n  build:\n    commands:\n      - seq 1 5000\n");
    const numbers = r.text.filter((l) => /^\d+$/.test(l));
    expect(numbers).toHaveLength(5000);
    expect(numbers.at(-1)).toBe("5000");
  });

  it("runs each command in a fresh shell for buildspec version 0.1", async () => {
    const r = await build(
      'version: 0.1\nphases:\n  build:\n    commands:\n      - export X=1; cd /\n      - echo "x=$X"\n',
    );
    expect(r.text).toContain("x=");
  });

  it("sets CODEBUILD_BUILD_SUCCEEDING=0 for POST_BUILD in version 0.1 too", async () => {
    const r = await build(
      "version: 0.1\nphases:\n  build:\n    commands:\n      - 'false'\n  post_build:\n    commands:\n      - echo \"s=$CODEBUILD_BUILD_SUCCEEDING\"\n",
    );
    expect(r.text).toContain("s=0");
  });

  it("ends FAULT with a context naming the RunnerApi call that failed", async () => {
    const { api, recorded } = fakeApi({
      "buildspec.yml":
        "version: 0.2\nphases:\n  build:\n    commands:\n      - mkdir -p out && echo x > out/f\nartifacts:\n  files:\n    - out/f\n",
    });
    api.uploadArtifact = () => Promise.reject(new Error("bucket is gone"));
    const root = await workRoot();
    try {
      const outcome = await runBuild(testJob({ artifacts: { type: "S3", location: "b", name: "n" } }), api, {
        signal: new AbortController().signal,
        workRoot: root.dir,
        sandbox: await testSandbox(),
      });
      expect(outcome.status).toBe("FAULT");
      expect(outcome.phases.find((p) => p.phaseType === "UPLOAD_ARTIFACTS")).toMatchObject({
        phaseStatus: "FAULT",
        contexts: [{ message: "uploadArtifact failed: bucket is gone" }],
      });
      expect(recorded.outcome).toEqual(outcome);
    } finally {
      await root.remove();
    }
  });

  it("removes the build directory at the end unless asked to keep it", async () => {
    const root = await workRoot();
    const { readdir } = await import("node:fs/promises");
    try {
      const { api } = fakeApi({
        "buildspec.yml": "version: 0.2\nphases:\n  build:\n    commands:\n      - echo x\n",
      });
      const options = {
        signal: new AbortController().signal,
        workRoot: root.dir,
        sandbox: await testSandbox(),
      };
      await runBuild(testJob(), api, options);
      expect(await readdir(root.dir)).toEqual([]);
      await runBuild(testJob(), api, { ...options, keepBuildDir: true });
      expect(await readdir(root.dir)).toHaveLength(1);
    } finally {
      await root.remove();
    }
  });
});
