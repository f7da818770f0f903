/** Records the build's phases as AWS reports them and tells the control plane of every change. */
import type { BuildJob, BuildPhase, BuildPhaseType, PhaseContext, PhaseStatus, RunnerApi } from "../api.js";
import { RunnerApiError } from "./errors.js";

/** The phases of one build. */
export class PhaseRecorder {
  readonly phases: BuildPhase[] = [];

  constructor(
    private readonly job: BuildJob,
    private readonly api: RunnerApi,
    private readonly now: () => number,
  ) {}

  /** The phase that runs now, if any. */
  get current(): BuildPhase | undefined {
    const last = this.phases.at(-1);
    return last?.phaseStatus === "IN_PROGRESS" ? last : undefined;
  }

  /** Starts `type` (at `startTime`, default now) and reports it. */
  async start(type: BuildPhaseType, startTime = this.now()): Promise<void> {
    this.phases.push({ phaseType: type, phaseStatus: "IN_PROGRESS", startTime, contexts: [] });
    await this.report();
  }

  /** Ends the current phase with `status` and `contexts`, and reports it. */
  async end(status: Exclude<PhaseStatus, "IN_PROGRESS">, contexts: PhaseContext[] = []): Promise<void> {
    const phase = this.current;
    if (!phase) return;
    phase.phaseStatus = status;
    phase.endTime = Math.max(this.now(), phase.startTime);
    // AWS reports whole seconds.
    phase.durationInSeconds = Math.round((phase.endTime - phase.startTime) / 1000);
    phase.contexts = contexts;
    await this.report();
  }

  /** Adds COMPLETED, which AWS reports with a start time only. */
  async complete(): Promise<void> {
    this.phases.push({ phaseType: "COMPLETED", startTime: this.now(), contexts: [] });
    await this.report();
  }

  private async report(): Promise<void> {
    try {
      await this.api.phasesChanged(this.job, structuredClone(this.phases));
    } catch (err) {
      throw new RunnerApiError("phasesChanged", err);
    }
  }
}
