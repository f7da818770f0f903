import http from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { RequestBody } from "./request-body.js";
import type { TargetRecord } from "./target-pool.js";

/**
 * How one attempt on one target ended before any of its response was relayed:
 * - `response`: the target answered (status and headers are in); the body is still to stream;
 * - `unreachable`: the connection failed or broke before a response byte came back. `connected`
 *   says whether a connection was made, `reused` whether it was a kept-alive one (a target closing
 *   an idle connection as it is reused is no sign of ill health);
 * - `timeout`: the target took the connection but did not answer in time;
 * - `broken`: anything else (an invalid response): the target answered, but not in HTTP.
 */
export type AttemptOutcome =
  | { kind: "response"; response: IncomingMessage }
  | { kind: "unreachable"; error: NodeJS.ErrnoException; connected: boolean; reused: boolean }
  | { kind: "timeout" }
  | { kind: "broken"; error: Error };

/** One request to one target. */
export interface Attempt {
  outcome: Promise<AttemptOutcome>;
  /** Abandons the attempt (the client went away): the target sees its connection close. */
  abort(): void;
}

/** What an attempt sends. */
export interface AttemptRequest {
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: RequestBody;
  /** The client's request, for the rest of a body too large to buffer. */
  source: IncomingMessage;
  /** No response byte for this long (or a pause this long in it) ends the attempt. */
  timeoutMs: number;
}

/**
 * Errors that mean no response byte came back: the connection was refused, reset or closed
 * before an answer (`socket hang up` is ECONNRESET), or the target's host is unreachable.
 */
const CONNECTION_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ETIMEDOUT",
]);

/** Sends `request` to `record`'s target over its keep-alive agent. */
export function sendAttempt(record: TargetRecord, request: AttemptRequest): Attempt {
  const { host, port } = record.target;
  const upstream = http.request({
    host,
    port,
    method: request.method,
    path: request.path,
    headers: request.headers,
    agent: record.agent,
  });
  let connected = false;
  upstream.once("socket", (socket) => {
    if (socket.connecting) socket.once("connect", () => (connected = true));
    else connected = true;
  });
  const outcome = new Promise<AttemptOutcome>((resolve) => {
    let answered = false;
    upstream.setTimeout(request.timeoutMs, () => {
      if (!answered) resolve({ kind: "timeout" });
      answered = true;
      upstream.destroy();
    });
    upstream.once("response", (response) => {
      answered = true;
      resolve({ kind: "response", response });
    });
    // Destroyed before it had a socket (the client went away) an attempt may close without an error.
    upstream.once("close", () => {
      if (answered) return;
      answered = true;
      const error: NodeJS.ErrnoException = new Error("the connection closed before a response");
      error.code = "ECONNRESET";
      resolve({ kind: "unreachable", error, connected, reused: upstream.reusedSocket });
    });
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      if (answered) return; // after a response, the relay sees the break on the response stream
      answered = true;
      if (error.code !== undefined && CONNECTION_ERRORS.has(error.code)) {
        resolve({ kind: "unreachable", error, connected, reused: upstream.reusedSocket });
      } else {
        resolve({ kind: "broken", error });
      }
    });
  });
  if (request.body.replayable) {
    upstream.end(request.body.bytes);
  } else {
    for (const chunk of request.body.head) upstream.write(chunk);
    request.source.pipe(upstream);
    request.source.resume();
  }
  return { outcome, abort: () => upstream.destroy() };
}
