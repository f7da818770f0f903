/**
 * Slows password and key guessing on git's transports, as git hosts do. Each source address gets a
 * few failed authentications free in a window; after that every further attempt from it waits —
 * one at a time, each wait twice the last, up to a ceiling — before its credential is even checked,
 * and more than a handful waiting at once are refused. A right credential still works, after the
 * wait: a user who mistyped is slowed, never locked out, and an attacker sharing the address gains
 * nothing from the user's success (successes do not clear the count; failures age out).
 */

/** Options for {@link AuthThrottle}; every one has a default. */
export interface AuthThrottleOptions {
  /** Failures a source may have in `windowMs` before its next attempts are slowed; default 5. */
  freeFailures?: number;
  /** How long a failure counts; default 10 minutes. */
  windowMs?: number;
  /** The first wait once slowed; default 1 s, doubled for each further failure. */
  baseDelayMs?: number;
  /** The longest wait; default 30 s. */
  maxDelayMs?: number;
  /** Attempts of one source that may wait at once; more are refused; default 4. */
  maxWaiting?: number;
  /** Sources tracked at once; the oldest is forgotten past it; default 10,000. */
  maxSources?: number;
  /** Clock (epoch ms); default Date.now. */
  now?: () => number;
}

/** An attempt refused because too many from its source already wait. */
export class TooManyAttemptsError extends Error {
  constructor(
    readonly source: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `too many failed authentications from ${source}; try again in ${retryAfterSeconds} s with a correct credential`,
    );
    this.name = "TooManyAttemptsError";
  }
}

interface SourceState {
  failures: number[];
  /** The chain of attempts waiting their turn. */
  queue: Promise<void>;
  waiting: number;
}

/** Per-source counts of failed authentications, and the waits they earn. */
export class AuthThrottle {
  private readonly sources = new Map<string, SourceState>();
  private readonly free: number;
  private readonly windowMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxWaiting: number;
  private readonly maxSources: number;
  private readonly now: () => number;

  constructor(options: AuthThrottleOptions = {}) {
    this.free = options.freeFailures ?? 5;
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxWaiting = options.maxWaiting ?? 4;
    this.maxSources = options.maxSources ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** How long the next attempt from `source` will wait, in ms (0 when it is not slowed). */
  delayFor(source: string): number {
    const state = this.sources.get(source);
    if (!state) return 0;
    const recent = this.recentFailures(state);
    if (recent < this.free) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (recent - this.free));
  }

  /**
   * Resolves when an attempt from `source` may check its credential: at once while the source is
   * under its free failures, otherwise after its turn and its wait.
   * @throws TooManyAttemptsError when too many attempts of the source already wait.
   */
  async before(source: string): Promise<void> {
    const state = this.sources.get(source);
    if (!state || this.delayFor(source) === 0) return;
    if (state.waiting >= this.maxWaiting) {
      throw new TooManyAttemptsError(source, Math.ceil(this.delayFor(source) / 1000));
    }
    state.waiting++;
    const turn = state.queue.then(() => sleep(this.delayFor(source)));
    state.queue = turn;
    try {
      await turn;
    } finally {
      state.waiting--;
    }
  }

  /** Records a failed authentication from `source`. */
  failed(source: string): void {
    let state = this.sources.get(source);
    if (!state) {
      if (this.sources.size >= this.maxSources) this.forgetOldest();
      state = { failures: [], queue: Promise.resolve(), waiting: 0 };
      this.sources.set(source, state);
    }
    state.failures.push(this.now());
    // Only the failures that still count are kept, and never more than the ceiling needs.
    this.recentFailures(state);
    if (state.failures.length > 64) state.failures.splice(0, state.failures.length - 64);
  }

  private recentFailures(state: SourceState): number {
    const since = this.now() - this.windowMs;
    while (state.failures.length > 0 && state.failures[0]! < since) state.failures.shift();
    return state.failures.length;
  }

  private forgetOldest(): void {
    const oldest = this.sources.keys().next();
    if (!oldest.done) this.sources.delete(oldest.value);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
