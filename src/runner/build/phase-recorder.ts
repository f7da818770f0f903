/** Records the build's phases as AWS reports them and tells the control plane of every change. */
import type { BuildJob, BuildPhase, BuildPhaseType, PhaseContext, PhaseStatus, RunnerApi } from "../api.js";
import { RunnerApiError } from "./errors.js";

/**
 * The phases of one build. Reports are coalesced: the build never waits for the control plane to
 * store a phase change; while one report is in flight, later changes wait and go together as the
 * newest snapshot. A slow store then costs one write per burst of changes, not one per change,
 * and every change still arrives, in order. {@link flush} waits until the newest has arrived.
 */
export class PhaseRecorder {
  readonly phases: BuildPhase[] = [];
  private inFlight: Promise<void> | undefined;
  private dirty = false;
  private failure: unknown;

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

  /** Waits until the control plane has the newest phases; throws if a report failed. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    this.throwIfFailed();
  }

  private async report(): Promise<void> {
    this.throwIfFailed();
    this.dirty = true;
    this.inFlight ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.dirty && this.failure === undefined) {
      this.dirty = false;
      try {
        await this.api.phasesChanged(this.job, structuredClone(this.phases));
      } catch (err) {
        this.failure = err;
      }
    }
    this.inFlight = undefined;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw new RunnerApiError("phasesChanged", this.failure);
  }
}
