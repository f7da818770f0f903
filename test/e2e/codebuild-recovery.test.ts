import {
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
  StopBuildCommand,
} from "@aws-sdk/client-codebuild";
import { describe, expect, it } from "vitest";
import type { RunBuild } from "../../src/services/codebuild/index.js";
import { startTestServer } from "../support/server.js";
import { tempDir } from "../support/stores.js";
import { fakeEngine, untilAborted, waitForBuild } from "./codebuild-support.js";

const project = {
  source: { type: "NO_SOURCE" as const, buildspec: "version: 0.2" },
  artifacts: { type: "NO_ARTIFACTS" as const },
  environment: {
    type: "LINUX_CONTAINER" as const,
    image: "aws/codebuild/standard:7.0",
    computeType: "BUILD_GENERAL1_SMALL" as const,
    environmentVariables: [{ name: "MODE", value: "hang" }],
  },
  serviceRole: "r",
};

describe("builds that cannot run to the end", () => {
  it("a build waiting past queuedTimeoutInMinutes ends TIMED_OUT in QUEUED", async () => {
    // One runner slot and a minute of 50 ms: the second build waits, and its 5 minutes pass in 250 ms.
    const server = await startTestServer({
      config: { buildConcurrency: 1 },
      server: { runBuild: fakeEngine, codebuildMinuteMs: 50 },
    });
    const cb = new CodeBuildClient(server.clientConfig);
    try {
      await cb.send(new CreateProjectCommand({ name: "busy", ...project }));
      const first = await cb.send(new StartBuildCommand({ projectName: "busy" }));
      await waitForBuild(cb, first.build!.id!, (b) => b.currentPhase === "BUILD");
      const second = await cb.send(
        new StartBuildCommand({ projectName: "busy", queuedTimeoutInMinutesOverride: 5 }),
      );
      const timedOut = await waitForBuild(cb, second.build!.id!);
      expect(timedOut.buildStatus).toBe("TIMED_OUT");
      const queued = timedOut.phases!.find((p) => p.phaseType === "QUEUED");
      expect(queued?.phaseStatus).toBe("TIMED_OUT");
      await cb.send(new StopBuildCommand({ id: first.build!.id! }));
      expect((await waitForBuild(cb, first.build!.id!)).buildStatus).toBe("STOPPED");
    } finally {
      cb.destroy();
      await server.stop();
    }
  });

  it("a build the server stopped in the middle of ends FAULT with the reason after a restart", async () => {
    const data = tempDir("pipewright-recovery-");
    // An engine that gives up only when its signal aborts, as a real one does on shutdown.
    const stubborn: RunBuild = async (job, api, { signal }) => {
      await api.phasesChanged(job, [{ phaseType: "BUILD", startTime: Date.now(), contexts: [] }]);
      await untilAborted(signal);
      throw signal.reason;
    };
    try {
      const first = await startTestServer({ config: { dataDir: data.dir }, server: { runBuild: stubborn } });
      const cb1 = new CodeBuildClient(first.clientConfig);
      await cb1.send(new CreateProjectCommand({ name: "crashy", ...project }));
      const { build } = await cb1.send(new StartBuildCommand({ projectName: "crashy" }));
      await waitForBuild(cb1, build!.id!, (b) => b.currentPhase === "BUILD");
      cb1.destroy();
      await first.close();

      const second = await startTestServer({ config: { dataDir: data.dir } });
      const cb2 = new CodeBuildClient(second.clientConfig);
      try {
        const ended = await waitForBuild(cb2, build!.id!);
        expect(ended.buildStatus).toBe("FAULT");
        const contexts = ended.phases!.flatMap((p) => p.contexts ?? []).map((c) => c.message);
        expect(contexts.join()).toContain("the server stopped while the build ran");
      } finally {
        cb2.destroy();
        await second.close();
      }
    } finally {
      data.remove();
    }
  });
});
