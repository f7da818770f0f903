import { z } from "zod";
import { errorMessage } from "../../core/index.js";
import { WorkerStoppingError, type JobHandler } from "../../platform/queue/index.js";
import { BuildStopReason, type BuildJob, type RunnerApi } from "../../runner/api.js";
import type { CodeBuildRuntime } from "./deps.js";
import { endBuild, markRunning, timeOutQueued, type EndReason } from "./lifecycle.js";
import { createRunnerApi, toBuildJob } from "./runner-api.js";

/** The build engine: runs one build, reporting through `api`; aborts when `options.signal` does. */
export type RunBuild = (job: BuildJob, api: RunnerApi, options: { signal: AbortSignal }) => Promise<void>;

const Payload = z.object({ buildId: z.string() });

/**
 * The queue handler of `codebuild.build` jobs, around an engine. It marks the build running, gives
 * the engine a {@link RunnerApi}, and makes sure the build ends whatever the engine does: a crash
 * ends it FAULT with the reason, an engine that returns without finishing ends it FAULT, and a
 * StopBuild ends it STOPPED. A worker shutting down leaves it to the next start (it ends FAULT then).
 */
export function createBuildHandler(rt: CodeBuildRuntime, runBuild: RunBuild): JobHandler {
  return async (job, signal) => {
    const { buildId } = Payload.parse(job.payload);
    // Registered before the build is marked running, so a StopBuild that sees it running always
    // finds the controller to abort.
    const local = new AbortController();
    rt.running.set(buildId, local);
    const row = await markRunning(rt, buildId).catch((err: unknown) => {
      rt.running.delete(buildId);
      throw err;
    });
    if (!row) {
      rt.running.delete(buildId);
      return;
    }
    if (row.stop_requested) local.abort(new Error("StopBuild"));
    // A server shutting down stops the build, and says so in its context.
    const onShutdown = () =>
      local.abort(
        new BuildStopReason("Build was stopped because the Pipewright server shut down while it ran"),
      );
    if (signal.aborted) onShutdown();
    else signal.addEventListener("abort", onShutdown, { once: true });
    let reason: EndReason | undefined;
    try {
      await runBuild(
        toBuildJob(row, rt.publicUrl()),
        createRunnerApi(rt, { accountId: row.account_id, region: row.region }),
        { signal: local.signal },
      );
      reason = { kind: "engine-silent" };
    } catch (err) {
      // Shutting down: the job goes back to the queue and the next start ends the build.
      if (signal.aborted && signal.reason instanceof WorkerStoppingError) throw err;
      reason = { kind: "engine-crashed", message: errorMessage(err) };
      rt.logger.warn({ buildId, err: errorMessage(err) }, "build engine failed");
    } finally {
      signal.removeEventListener("abort", onShutdown);
      rt.running.delete(buildId);
    }
    // endBuild does nothing to a build the engine finished; a stop request turns any reason into STOPPED.
    await rt.store.transaction((trx) => endBuild(rt, trx, buildId, reason ?? { kind: "engine-silent" }));
  };
}

/** The queue handler of `codebuild.queued-timeout` timers. */
export function createQueuedTimeoutHandler(rt: CodeBuildRuntime): JobHandler {
  return async (job) => {
    const { buildId } = Payload.parse(job.payload);
    await timeOutQueued(rt, buildId);
  };
}
