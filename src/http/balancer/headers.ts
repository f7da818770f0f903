import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1): a proxy must not pass
 * them on, or the client's keep-alive and chunking would be imposed on the balancer's connection to
 * the target and the other way round.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Headers a `Connection` header may not make hop-by-hop: without them the message itself changes
 * (another virtual host, a body read differently).
 */
const ALWAYS_END_TO_END = new Set(["host", "content-length", "content-type"]);

/** `headers` without hop-by-hop ones, including those the `Connection` header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== "" && !ALWAYS_END_TO_END.has(name)),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** What the balancer knows of the client's request, for the X-Forwarded-* headers. */
export interface ForwardedFrom {
  /** The client's address (the socket's peer), absent once the socket is gone. */
  clientAddress: string | undefined;
  /** The balancer's listening port. */
  port: number;
}

/**
 * The headers sent to a target: end-to-end ones, `Host` kept as the client sent it (the app may
 * route on it), and X-Forwarded-For/-Proto/-Host/-Port as an Application Load Balancer adds them.
 * `bodyLength` is set when the body was buffered: it then goes with a `Content-Length` (and without
 * `Expect`, since it is sent at once).
 */
export function targetRequestHeaders(
  headers: IncomingHttpHeaders,
  from: ForwardedFrom,
  bodyLength: number | undefined,
): OutgoingHttpHeaders {
  const out = endToEndHeaders(headers);
  if (bodyLength !== undefined) {
    const hadBody = headers["content-length"] !== undefined || headers["transfer-encoding"] !== undefined;
    delete out.expect;
    delete out["content-length"];
    if (hadBody || bodyLength > 0) out["content-length"] = String(bodyLength);
  }
  if (from.clientAddress) {
    const before = headers["x-forwarded-for"];
    out["x-forwarded-for"] = before ? `${before}, ${from.clientAddress}` : from.clientAddress;
  }
  out["x-forwarded-proto"] = "http";
  out["x-forwarded-port"] = String(from.port);
  if (headers.host !== undefined) out["x-forwarded-host"] = headers.host;
  else delete out["x-forwarded-host"];
  return out;
}

/** The headers of a target's response as the client gets them. */
export function clientResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return endToEndHeaders(headers);
}
