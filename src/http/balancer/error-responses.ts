import type { ServerResponse } from "node:http";
import type { BalancerTarget } from "./types.js";

/**
 * Why the balancer answered a request itself instead of a target. A closed union, so each answer
 * (status and message) is decided in one `switch`.
 */
export type BalancerFailure =
  | { kind: "no-target"; waitedMs: number }
  | { kind: "unreachable"; tried: BalancerTarget[]; error: string }
  | { kind: "timeout"; target: BalancerTarget; timeoutMs: number }
  | { kind: "broken"; target: BalancerTarget; error: string };

/** The status and plain-text message for `failure`, naming the balancer and the target(s). */
export function describeFailure(name: string, failure: BalancerFailure): { status: number; message: string } {
  const balancer = `load balancer ${JSON.stringify(name)}`;
  switch (failure.kind) {
    case "no-target":
      return {
        status: 503,
        message: `${balancer}: no instance is registered or healthy (waited ${failure.waitedMs} ms for one)`,
      };
    case "unreachable":
      return {
        status: 502,
        message: `${balancer}: could not connect to ${failure.tried.map(describeTarget).join(", ")}: ${failure.error}`,
      };
    case "timeout":
      return {
        status: 504,
        message: `${balancer}: ${describeTarget(failure.target)} did not answer within ${failure.timeoutMs} ms`,
      };
    case "broken":
      return {
        status: 502,
        message: `${balancer}: ${describeTarget(failure.target)} sent an invalid response: ${failure.error}`,
      };
  }
}

/** Answers `res` with `failure`'s status and message, unless the client is gone or a response began. */
export function sendFailure(res: ServerResponse, name: string, failure: BalancerFailure): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const { status, message } = describeFailure(name, failure);
  const body = `${message}\n`;
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...(status === 503 ? { "retry-after": "1" } : {}),
  });
  res.end(body);
}

function describeTarget(target: BalancerTarget): string {
  return `instance ${target.id} (${target.host}:${target.port})`;
}
