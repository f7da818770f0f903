import http from "node:http";
import type { TargetPool, TargetRecord } from "./target-pool.js";
import type { HealthCheckOptions } from "./types.js";

/** Health-check options with every default applied. */
export type ResolvedHealthCheck = Required<HealthCheckOptions>;

/** Fills in {@link HealthCheckOptions}' defaults and refuses values that could never work. */
export function resolveHealthCheck(options: HealthCheckOptions): ResolvedHealthCheck {
  if (!options.path.startsWith("/")) {
    throw new Error(`healthCheck.path must start with "/", got ${JSON.stringify(options.path)}`);
  }
  const resolved = {
    path: options.path,
    intervalMs: options.intervalMs ?? 5_000,
    timeoutMs: options.timeoutMs ?? 2_000,
    healthyThreshold: options.healthyThreshold ?? 2,
    unhealthyThreshold: options.unhealthyThreshold ?? 2,
  };
  for (const key of ["intervalMs", "timeoutMs", "healthyThreshold", "unhealthyThreshold"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new Error(`healthCheck.${key} must be a positive integer, got ${String(resolved[key])}`);
    }
  }
  return resolved;
}

/** Running health checks; `stop` ends them (pending checks are abandoned). */
export interface HealthChecks {
  stop(): void;
}

/**
 * Checks every registered target each `intervalMs` with a GET of `path` on a fresh connection (a
 * kept-alive one would hide a restarted app), as a target group does: `unhealthyThreshold` failures
 * in a row make a healthy target unhealthy, `healthyThreshold` successes an unhealthy one healthy.
 */
export function startHealthChecks(pool: TargetPool, options: ResolvedHealthCheck): HealthChecks {
  const streaks = new WeakMap<TargetRecord, { successes: number; failures: number }>();
  const running = new Set<TargetRecord>();
  const pending = new Set<http.ClientRequest>();
  let stopped = false;

  const record = (target: TargetRecord, ok: boolean, detail: string) => {
    const streak = streaks.get(target) ?? { successes: 0, failures: 0 };
    streaks.set(target, streak);
    if (ok) {
      streak.successes += 1;
      streak.failures = 0;
      if (streak.successes >= options.healthyThreshold) {
        pool.markHealthy(target, `${streak.successes} health checks passed`);
      }
    } else {
      streak.failures += 1;
      streak.successes = 0;
      if (streak.failures >= options.unhealthyThreshold) {
        pool.markUnhealthy(target, `${streak.failures} health checks failed, last: ${detail}`);
      }
    }
  };

  const check = (target: TargetRecord) => {
    if (running.has(target)) return;
    running.add(target);
    const { host, port } = target.target;
    let settled = false;
    const settle = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      running.delete(target);
      pending.delete(request);
      if (!stopped) record(target, ok, detail);
    };
    const request = http.get(
      { host, port, path: options.path, agent: false, timeout: options.timeoutMs },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        settle(status >= 200 && status < 300, `GET ${options.path} answered ${status}`);
      },
    );
    pending.add(request);
    request.on("timeout", () => {
      settle(false, `GET ${options.path} not answered within ${options.timeoutMs} ms`);
      request.destroy();
    });
    request.on("error", (error: NodeJS.ErrnoException) => settle(false, error.code ?? error.message));
  };

  const timer = setInterval(() => {
    for (const target of pool.registered()) check(target);
  }, options.intervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const request of pending) request.destroy();
    },
  };
}
