import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { sendFailure, type BalancerFailure } from "./error-responses.js";
import { sendAttempt, type AttemptOutcome } from "./forward.js";
import { clientResponseHeaders, targetRequestHeaders } from "./headers.js";
import { readRequestBody, type RequestBody } from "./request-body.js";
import type { TargetPool, TargetRecord } from "./target-pool.js";
import type { BalancerTarget } from "./types.js";

/** What the request handler needs (every duration already defaulted). */
export interface ProxyOptions {
  name: string;
  pool: TargetPool;
  /** The balancer's port (known once it listens), for X-Forwarded-Port. */
  port: () => number;
  requestTimeoutMs: number;
  noTargetWaitMs: number;
  maxReplayBodyBytes: number;
  /** Pause before trying again targets that all failed this request; default 100 ms. */
  retryPauseMs?: number;
}

/** At most this many attempts per request, however targets come and go meanwhile. */
const MAX_ATTEMPTS = 8;

/** The balancer's request handler: forwards each request to a target, retrying where that is safe. */
export function createProxyHandler(
  options: ProxyOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    proxyRequest(options, req, res).catch(() => res.destroy());
  };
}

/**
 * Forwards one request. A failed connection is retried on another target (and, once every target
 * has failed it, on them again after a short pause) while the body is replayable — no response
 * byte came back, and a deployment promises zero failed requests. With no target at all the
 * request waits up to `noTargetWaitMs` for one (a one-instance deployment re-registering it)
 * before a 503.
 */
async function proxyRequest(options: ProxyOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pool } = options;
  // A client's broken connection is handled through `res` closing early.
  req.on("error", () => undefined);
  const gone = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  let body: RequestBody;
  try {
    body = await readRequestBody(req, options.maxReplayBodyBytes);
  } catch {
    res.destroy();
    return;
  }
  const headers = targetRequestHeaders(
    req.headers,
    { clientAddress: req.socket.remoteAddress, port: options.port() },
    body.replayable ? body.bytes.length : undefined,
  );
  const waitUntil = Date.now() + options.noTargetWaitMs;
  const tried = new Set<TargetRecord>();
  const failedOn: BalancerTarget[] = [];
  let lastError = "";
  let pausedOnce = false;
  for (let attempts = 0; attempts < MAX_ATTEMPTS;) {
    if (gone.signal.aborted) return;
    const record = pool.pick(tried);
    if (!record) {
      if (tried.size > 0 && !pausedOnce) {
        // Every target failed this request; the only one may be between two listeners.
        pausedOnce = true;
        await sleep(options.retryPauseMs ?? 100, undefined, { signal: gone.signal }).catch(() => undefined);
        tried.clear();
        continue;
      }
      if (await pool.waitForTarget(waitUntil - Date.now(), gone.signal)) {
        tried.clear();
        continue;
      }
      break;
    }
    attempts += 1;
    pool.begin(record);
    const attempt = sendAttempt(record, {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers,
      body,
      source: req,
      timeoutMs: options.requestTimeoutMs,
    });
    const abort = () => attempt.abort();
    gone.signal.addEventListener("abort", abort, { once: true });
    const outcome = await attempt.outcome;
    if (outcome.kind === "response") {
      pool.markHealthy(record, "answered a request");
      relay(outcome.response, res, () => {
        gone.signal.removeEventListener("abort", abort);
        pool.end(record);
      });
      return;
    }
    gone.signal.removeEventListener("abort", abort);
    pool.end(record);
    if (gone.signal.aborted) return;
    const failure = failureOf(outcome, record, options.requestTimeoutMs);
    if (outcome.kind !== "unreachable") {
      sendFailure(res, options.name, failure);
      return;
    }
    // A kept-alive connection the target closed as it was reused says nothing of its health.
    if (!outcome.connected || !outcome.reused) {
      pool.markUnhealthy(record, `connection failed: ${outcome.error.code ?? outcome.error.message}`);
    }
    tried.add(record);
    failedOn.push(record.target);
    lastError = outcome.error.code ?? outcome.error.message;
    if (!body.replayable) break; // part of the body is gone into the failed connection
  }
  if (gone.signal.aborted) return;
  sendFailure(
    res,
    options.name,
    failedOn.length > 0
      ? { kind: "unreachable", tried: uniqueTargets(failedOn), error: lastError }
      : { kind: "no-target", waitedMs: options.noTargetWaitMs },
  );
}

/** Streams a target's response to the client; `done` runs once, however it ends. */
function relay(response: IncomingMessage, res: ServerResponse, done: () => void): void {
  const status = response.statusCode ?? 502;
  const headers = clientResponseHeaders(response.headers);
  try {
    if (response.statusMessage) res.writeHead(status, response.statusMessage, headers);
    else res.writeHead(status, headers);
  } catch {
    // The client left meanwhile, or Node refused a header it parsed: either way nothing can follow.
    response.destroy();
    res.destroy();
    done();
    return;
  }
  // A target breaking off mid-body destroys the client's connection too: the client must not
  // take a truncated body for a whole one.
  pipeline(response, res, () => done());
}

function failureOf(
  outcome: Exclude<AttemptOutcome, { kind: "response" }>,
  record: TargetRecord,
  timeoutMs: number,
): BalancerFailure {
  switch (outcome.kind) {
    case "timeout":
      return { kind: "timeout", target: record.target, timeoutMs };
    case "broken":
      return { kind: "broken", target: record.target, error: outcome.error.message };
    case "unreachable":
      return {
        kind: "unreachable",
        tried: [record.target],
        error: outcome.error.code ?? outcome.error.message,
      };
  }
}

function uniqueTargets(targets: BalancerTarget[]): BalancerTarget[] {
  const seen = new Map(targets.map((t) => [`${t.id}@${t.host}:${t.port}`, t]));
  return [...seen.values()];
}
