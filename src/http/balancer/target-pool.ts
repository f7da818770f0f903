import http from "node:http";
import type { Logger } from "../../core/index.js";
import type { BalancerTarget, TargetState, TargetStatus } from "./types.js";

/**
 * One registration of a target: its keep-alive connections, its state and the requests it is
 * serving. A target registered again at another address gets a new record, while the old one drains.
 */
export interface TargetRecord {
  readonly target: Readonly<BalancerTarget>;
  /** Keep-alive connections to this target only, so they can be closed when it is drained. */
  readonly agent: http.Agent;
  state: TargetState;
  inFlight: number;
  /** Without active health checks: when an unhealthy target may be tried again with one request. */
  retryAt: number;
  /** Set while draining: ends the drain (and resolves the deregistration). */
  drain?: { finish: (how: DrainEnd) => void; done: Promise<void> };
  /** Drained while requests were still running: close its connections when the last one ends. */
  retireWhenIdle: boolean;
}

/** Why a drain ended. */
type DrainEnd = "finished" | "timed out" | "registered again" | "closed";

/** What a {@link TargetPool} needs. */
export interface TargetPoolOptions {
  name: string;
  logger?: Logger;
  /** True when active health checks run; then only they (or a success) make a target healthy again. */
  activeHealthChecks: boolean;
  retryUnhealthyAfterMs: number;
  /** Idle keep-alive connections to a target are closed after this (shortened by the target's own Keep-Alive hint). */
  idleSocketMs: number;
  now?: () => number;
}

/** AWS's default deregistration delay. */
const DEFAULT_DRAIN_MS = 300_000;

/**
 * The targets of one balancer and their states: which may get a new request (round robin), how
 * many requests each is serving, and the drains of deregistered ones. Every state change is logged
 * once, here, so the log tells a deployment's traffic story line by line.
 */
export class TargetPool {
  /** Registered targets by id, in registration order (the round robin's order). */
  private readonly active = new Map<string, TargetRecord>();
  private readonly draining = new Set<TargetRecord>();
  private readonly waiters = new Set<() => void>();
  private cursor = 0;
  private readonly now: () => number;

  constructor(private readonly options: TargetPoolOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Adds a target, or makes a registered or draining one at the same address take requests again. */
  register(target: BalancerTarget): void {
    checkTarget(target);
    const current = this.active.get(target.id);
    if (current && sameAddress(current.target, target)) {
      if (current.state === "unhealthy") this.setState(current, "healthy", "registered again");
      return;
    }
    if (current) void this.startDrain(current, DEFAULT_DRAIN_MS, "registered at another address");
    const revived = [...this.draining].find(
      (r) => r.target.id === target.id && sameAddress(r.target, target),
    );
    if (revived) {
      revived.drain?.finish("registered again");
      revived.retireWhenIdle = false;
      revived.state = "healthy";
      this.active.set(target.id, revived);
      this.log(revived, "registered", { reason: "registered again while draining" });
    } else {
      const record: TargetRecord = {
        target: { id: target.id, host: target.host, port: target.port },
        agent: new http.Agent({ keepAlive: true, timeout: this.options.idleSocketMs }),
        state: "healthy",
        inFlight: 0,
        retryAt: 0,
        retireWhenIdle: false,
      };
      this.active.set(target.id, record);
      this.log(record, "registered");
    }
    this.wake();
  }

  /** Takes `id` out of the round robin; resolves once it has drained. An unknown id resolves at once. */
  deregister(id: string, drainMs = DEFAULT_DRAIN_MS): Promise<void> {
    const record = this.active.get(id);
    if (!record) {
      const draining = [...this.draining].filter((r) => r.target.id === id);
      return Promise.all(draining.map((r) => r.drain?.done ?? Promise.resolve())).then(() => undefined);
    }
    return this.startDrain(record, drainMs, "deregistered");
  }

  /** Makes `targets` the whole set at once; resolves once every target that left it has drained. */
  replace(targets: BalancerTarget[], drainMs = DEFAULT_DRAIN_MS): Promise<void> {
    targets.forEach(checkTarget);
    const ids = new Set(targets.map((t) => t.id));
    if (ids.size !== targets.length) throw new Error("replaceTargets: each target id must appear once");
    const before = [...this.active.values()];
    // The new set goes in before the old one leaves, so no request finds the balancer empty. A
    // target registered again at another address starts draining its old record here.
    for (const target of targets) this.register(target);
    const drains = before
      .filter((r) => !ids.has(r.target.id) || this.active.get(r.target.id) !== r)
      .map((r) => {
        if (r.state !== "draining") return this.startDrain(r, drainMs, "replaced");
        return r.drain?.done ?? Promise.resolve();
      });
    return Promise.all(drains).then(() => undefined);
  }

  /** Registered targets, then the draining ones. */
  list(): TargetStatus[] {
    return [...this.active.values(), ...this.draining].map((r) => ({ ...r.target, state: r.state }));
  }

  /**
   * The next target for a request, round robin over the healthy ones not in `exclude` (those this
   * request already failed on). Without health checks, an unhealthy target whose pause is over gets
   * one request to prove itself; when no target is healthy at all, the unhealthy ones are tried
   * rather than refusing everything (as a target group fails open).
   */
  pick(exclude: ReadonlySet<TargetRecord>): TargetRecord | undefined {
    const open = [...this.active.values()].filter((r) => !exclude.has(r));
    const now = this.now();
    let candidates = open.filter((r) => r.state === "healthy");
    if (!this.options.activeHealthChecks) {
      candidates.push(...open.filter((r) => r.state === "unhealthy" && r.retryAt <= now));
    }
    if (candidates.length === 0 && ![...this.active.values()].some((r) => r.state === "healthy")) {
      candidates = open;
    }
    if (candidates.length === 0) return undefined;
    const chosen = candidates[this.cursor++ % candidates.length]!;
    if (chosen.state === "unhealthy") chosen.retryAt = now + this.options.retryUnhealthyAfterMs;
    return chosen;
  }

  /** True when any target is registered (whatever its health). */
  hasTargets(): boolean {
    return this.active.size > 0;
  }

  /** Registered targets (not draining), for health checks. */
  registered(): TargetRecord[] {
    return [...this.active.values()];
  }

  /** A request starts on `record`: a drain waits for it. */
  begin(record: TargetRecord): void {
    record.inFlight += 1;
  }

  /** A request on `record` is over (answered, failed or abandoned by its client). */
  end(record: TargetRecord): void {
    record.inFlight -= 1;
    if (record.inFlight > 0) return;
    record.drain?.finish("finished");
    if (record.retireWhenIdle) record.agent.destroy();
  }

  /** A connection to `record` failed, or its health checks did. Logged once, when it changes. */
  markUnhealthy(record: TargetRecord, reason: string): void {
    record.retryAt = this.now() + this.options.retryUnhealthyAfterMs;
    if (record.state === "healthy" && this.active.get(record.target.id) === record) {
      this.setState(record, "unhealthy", reason);
    }
  }

  /** A request or the health checks succeeded on `record`. */
  markHealthy(record: TargetRecord, reason: string): void {
    if (record.state === "unhealthy" && this.active.get(record.target.id) === record) {
      this.setState(record, "healthy", reason);
      this.wake();
    }
  }

  /** Resolves true when a target is registered or becomes healthy, false after `ms` or on `signal`. */
  waitForTarget(ms: number, signal: AbortSignal): Promise<boolean> {
    if (ms <= 0 || signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (found: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal.removeEventListener("abort", abort);
        resolve(found);
      };
      const wake = () => done(true);
      const abort = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(wake);
      signal.addEventListener("abort", abort, { once: true });
    });
  }

  /** Ends every drain and closes every connection to the targets. */
  close(): void {
    for (const record of [...this.draining]) record.drain?.finish("closed");
    for (const record of [...this.active.values(), ...this.draining]) record.agent.destroy();
    this.active.clear();
    this.draining.clear();
  }

  private startDrain(record: TargetRecord, drainMs: number, reason: string): Promise<void> {
    this.active.delete(record.target.id);
    this.draining.add(record);
    this.setState(record, "draining", reason);
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const finish = (how: DrainEnd) => {
      clearTimeout(timer);
      record.drain = undefined;
      this.draining.delete(record);
      if (how === "finished" || how === "timed out") {
        this.log(record, "drained", { how, inFlight: record.inFlight });
        // Idle keep-alive sockets go now; sockets of requests still running once they end.
        if (record.inFlight === 0) record.agent.destroy();
        else record.retireWhenIdle = true;
      }
      resolve();
    };
    const timer = setTimeout(() => finish("timed out"), drainMs);
    record.drain = { finish, done };
    if (record.inFlight === 0) finish("finished");
    return done;
  }

  private setState(record: TargetRecord, state: TargetState, reason: string): void {
    record.state = state;
    this.log(record, state === "draining" ? "deregistered" : state, { reason });
  }

  private log(record: TargetRecord, event: string, extra: Record<string, unknown> = {}): void {
    const { id, host, port } = record.target;
    this.options.logger?.info(
      { balancer: this.options.name, target: id, address: `${host}:${port}`, event, ...extra },
      `load balancer ${this.options.name}: target ${id} (${host}:${port}) ${event}`,
    );
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

function sameAddress(a: BalancerTarget, b: BalancerTarget): boolean {
  return a.host === b.host && a.port === b.port;
}

/** Refuses a target the balancer could never reach, naming the field and what would be right. */
function checkTarget(target: BalancerTarget): void {
  if (typeof target.id !== "string" || target.id === "") {
    throw new Error("target.id must be a non-empty string (the instance id)");
  }
  if (typeof target.host !== "string" || target.host === "") {
    throw new Error(`target ${target.id}: host must be a non-empty host name or IP address`);
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535) {
    throw new Error(
      `target ${target.id}: port must be an integer from 1 to 65535, got ${String(target.port)}`,
    );
  }
}
