/** Exponential backoff settings. */
export interface BackoffOptions {
  /** Delay after the first failure; default 1000 ms. Each later failure doubles it. */
  baseDelayMs?: number;
  /** Upper bound of the delay; default 300 000 ms (5 minutes). */
  maxDelayMs?: number;
}

/**
 * Delay before retry number `attempt` (1 after the first failure): `base * 2^(attempt-1)`, capped,
 * then scaled by a random factor in [0.5, 1). The jitter spreads retries of jobs that failed together
 * (a database blip) so they do not return together; keeping at least half keeps the backoff real.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 300_000;
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp * (0.5 + random() * 0.5));
}
