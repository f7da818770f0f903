import type { Logger } from "../../core/index.js";

/** One instance behind the balancer: where its app listens. `id` is the instance id. */
export interface BalancerTarget {
  id: string;
  host: string;
  port: number;
}

/**
 * What the balancer thinks of a target. `healthy` targets get new requests; `unhealthy` ones failed
 * a connection or their health checks and get none while any target is healthy; `draining` ones were
 * deregistered (or replaced) and only finish the requests they already have.
 */
export type TargetState = "healthy" | "unhealthy" | "draining";

/** A target as {@link LoadBalancer.targets} lists it. */
export type TargetStatus = BalancerTarget & { state: TargetState };

/** Options of {@link LoadBalancer.deregister} and {@link LoadBalancer.replaceTargets}. */
export interface DrainOptions {
  /**
   * The longest wait for a removed target's in-flight requests (AWS's deregistration delay);
   * default 300 000 ms, as on AWS. Requests still running then are left to finish on their own.
   */
  drainMs?: number;
}

/**
 * A load balancer for one deployment group with traffic control: one listening port on the
 * server's host, forwarding to the healthy instances' app port. CodeDeploy deregisters an instance
 * before stopping its app (BlockTraffic) and registers it again once validated (AllowTraffic), or
 * switches the whole set on a blue/green deployment.
 */
export interface LoadBalancer {
  readonly port: number;
  readonly host: string;
  /** Adds (or re-adds) a target; new requests may go to it at once. */
  register(target: BalancerTarget): void;
  /** Stops sending new requests to `id`; resolves when its in-flight requests have finished or `drainMs` passed. */
  deregister(id: string, options?: DrainOptions): Promise<void>;
  /** Replaces the whole set at once (blue/green switch): new requests go only to `targets`; resolves when the old ones are drained. */
  replaceTargets(targets: BalancerTarget[], options?: DrainOptions): Promise<void>;
  /** Registered targets, then the ones still draining. */
  targets(): TargetStatus[];
  /** Stops listening, closes every connection (client and target side) and stops health checks. */
  close(): Promise<void>;
}

/** Active health checks, as a target group's: an HTTP GET of `path` that must answer 2xx. */
export interface HealthCheckOptions {
  /** Path requested on each target, e.g. `/health`. */
  path: string;
  /** Time between two checks of a target; default 5 000 ms. */
  intervalMs?: number;
  /** A check not answered within this fails; default 2 000 ms. */
  timeoutMs?: number;
  /** Consecutive successes that make an unhealthy target healthy; default 2. */
  healthyThreshold?: number;
  /** Consecutive failures that make a healthy target unhealthy; default 2. */
  unhealthyThreshold?: number;
}

/** Options of `startLoadBalancer`. */
export interface LoadBalancerOptions {
  /** Named in logs and in the balancer's own error responses (the deployment group's name). */
  name: string;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /**
   * Active health checks; default none. Without them a target marked unhealthy by a failed
   * connection is tried again with one request every `retryUnhealthyAfterMs`.
   */
  healthCheck?: HealthCheckOptions;
  /** One line per target state change; default none. */
  logger?: Logger;
  /** A target that has not started its response by then gets a 504; default 60 000 ms (AWS's idle timeout). */
  requestTimeoutMs?: number;
  /** How long a request waits for a target when none is registered or healthy, before a 503; default 2 000 ms. */
  noTargetWaitMs?: number;
  /** Request bodies up to this size are buffered so a failed connection can be retried; default 1 MiB. */
  maxReplayBodyBytes?: number;
  /** A client must send its request headers within this; default 20 000 ms (slow clients). */
  clientHeadersTimeoutMs?: number;
  /** Without health checks: how long a target that failed a connection gets no request; default 1 000 ms. */
  retryUnhealthyAfterMs?: number;
}
