import http from "node:http";
import type { AddressInfo } from "node:net";
import { resolveHealthCheck, startHealthChecks } from "./health-checks.js";
import { createProxyHandler } from "./proxy-handler.js";
import { TargetPool } from "./target-pool.js";
import type { LoadBalancer, LoadBalancerOptions } from "./types.js";

/**
 * Idle keep-alive connections to targets are closed after this. Node's servers close theirs after
 * 5 s and announce it (`Keep-Alive: timeout=5`, which the agent honours less a second); closing
 * first narrows the race in which a connection is reused just as the target closes it (a race the
 * retry covers anyway).
 */
const IDLE_TARGET_SOCKET_MS = 4_000;

/**
 * Starts a load balancer listening on `host:port`, with no target yet. Requests are spread round
 * robin over the healthy targets; see {@link LoadBalancer} for how deployments move them.
 */
export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  const healthCheck = options.healthCheck ? resolveHealthCheck(options.healthCheck) : undefined;
  const pool = new TargetPool({
    name: options.name,
    logger: options.logger,
    activeHealthChecks: healthCheck !== undefined,
    retryUnhealthyAfterMs: options.retryUnhealthyAfterMs ?? 1_000,
    idleSocketMs: IDLE_TARGET_SOCKET_MS,
  });
  let port = 0;
  const handler = createProxyHandler({
    name: options.name,
    pool,
    port: () => port,
    requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
    noTargetWaitMs: options.noTargetWaitMs ?? 2_000,
    maxReplayBodyBytes: options.maxReplayBodyBytes ?? 1024 * 1024,
  });
  const headersTimeout = options.clientHeadersTimeoutMs ?? 20_000;
  const server = http.createServer(
    {
      // Slow clients: headers must arrive in time (the whole request within Node's default 300 s);
      // oversized headers get Node's 431 (16 KiB).
      headersTimeout,
      // Node looks for overdue clients this often (default 30 s, longer than the timeout itself).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    handler,
  );
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const checks = healthCheck ? startHealthChecks(pool, healthCheck) : undefined;

  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    register: (target) => pool.register(target),
    deregister: (id, drain) => pool.deregister(id, drain?.drainMs),
    replaceTargets: async (targets, drain) => pool.replace(targets, drain?.drainMs),
    targets: () => pool.list(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        checks?.stop();
        server.close(() => resolve());
        server.closeAllConnections();
        pool.close();
      });
      return closing;
    },
  };
}
