/**
 * The build log: masks each line, stamps it, and sends it to `RunnerApi.appendLogs` in small
 * ordered batches (every {@link BuildLogOptions.flushMs} or {@link BuildLogOptions.maxBatch} lines),
 * so a build's output is never held whole in memory.
 */
import type { BuildJob, LogLine, RunnerApi } from "../api.js";
import { RunnerApiError } from "./errors.js";
import type { SecretMasker } from "./masking.js";

/** Options for {@link BuildLog}. */
export interface BuildLogOptions {
  /** Longest a line waits before it is sent; default 100 ms. */
  flushMs?: number;
  /** Lines after which a batch is sent at once; default 200. */
  maxBatch?: number;
  /** Clock; default Date.now. */
  now?: () => number;
}

/** Most lines in one `appendLogs` call: a bound on one store transaction. */
const MAX_LINES_PER_CALL = 20_000;

/** The log of one build. */
export class BuildLog {
  private batch: LogLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private inFlight = false;
  private failure: RunnerApiError | undefined;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly now: () => number;

  constructor(
    private readonly job: BuildJob,
    private readonly api: RunnerApi,
    private readonly masker: SecretMasker,
    options: BuildLogOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 100;
    this.maxBatch = options.maxBatch ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** One line of build output, as the build printed it (masked here). */
  line(message: string): void {
    this.batch.push({ timestamp: this.now(), message: this.masker.mask(message) });
    if (this.batch.length >= this.maxBatch) this.send();
    else this.timer ??= setTimeout(() => this.send(), this.flushMs);
  }

  /** An agent line in AWS's form: `[Container] 2024/01/01 12:00:00.000000 Entering phase BUILD`. */
  container(message: string): void {
    this.line(`[Container] ${containerTime(this.now())} ${message}`);
  }

  /** Sends what is buffered and waits until every batch so far has been accepted. */
  async flush(): Promise<void> {
    do {
      this.send();
      await this.sending;
    } while (this.batch.length > 0 || this.inFlight);
    if (this.failure) throw this.failure;
  }

  /**
   * Sends the buffered lines unless a batch is already on its way: then they wait and go together
   * as soon as it is stored. So a build printing faster than the store writes sends few large
   * batches rather than very many small ones, in order.
   */
  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.batch.length === 0) return;
    const lines =
      this.batch.length <= MAX_LINES_PER_CALL ? this.batch : this.batch.slice(0, MAX_LINES_PER_CALL);
    this.batch = this.batch.length <= MAX_LINES_PER_CALL ? [] : this.batch.slice(MAX_LINES_PER_CALL);
    this.inFlight = true;
    this.sending = (async () => {
      // A failed call is remembered and surfaces at flush(); later lines are not sent.
      if (!this.failure) {
        try {
          await this.api.appendLogs(this.job, lines);
        } catch (err) {
          this.failure = new RunnerApiError("appendLogs", err);
        }
      }
      this.inFlight = false;
      if (this.batch.length > 0) this.send();
    })();
  }
}

/** `2024/01/01 12:00:00.000000` in UTC, as CodeBuild's agent stamps its lines. */
export function containerTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000`
  );
}
