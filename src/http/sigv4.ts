import { timingSafeEqual } from "node:crypto";
import {
  SIGV4_ALGORITHM as ALGORITHM,
  deriveSigningKey,
  formatAmzDate,
  normalizePath,
  sha256Hex,
  signatureOf,
  uriEncode,
} from "../core/sigv4.js";

// The primitives live in core, shared with the clients' signer; re-exported for the server's modules.
export { deriveSigningKey, formatAmzDate, hmac, sha256Hex, uriEncode } from "../core/sigv4.js";

/**
 * AWS Signature Version 4, server side: rebuild the canonical request from what arrived, derive the
 * signing key from the caller's secret and compare signatures. Both forms are accepted: the
 * `Authorization` header and presigned query strings (`X-Amz-Signature=…`).
 * Reference: "Create a signed AWS API request" and "Authenticating Requests: Using Query Parameters".
 */

/** Why a request was not authenticated. Each protocol maps these to its own error code. */
export type AuthFailureReason =
  | "missing" // no signature at all
  | "malformed" // a signature we cannot parse
  | "unknown-key" // the access key id is not ours
  | "signature" // the signature does not match
  | "skew" // the request time is too far from ours
  | "expired" // a presigned URL past its X-Amz-Expires
  | "scope"; // a valid signature for another region or service than the one answering

export interface AuthFailure {
  ok: false;
  reason: AuthFailureReason;
  message: string;
  accessKeyId?: string;
  /** For "scope": what the credential scope named, and what it should have. */
  scope?: { part: "region" | "service"; got: string; expected: string };
}

/** What a verified signature tells the server, and what a chunked-payload decoder needs. */
export interface VerifiedSignature {
  ok: true;
  accessKeyId: string;
  region: string;
  service: string;
  /** `yyyymmdd/region/service/aws4_request`. */
  scope: string;
  /** `yyyymmddThhmmssZ`. */
  amzDate: string;
  signingKey: Buffer;
  /** The request's own signature: the seed of an `aws-chunked` body's chain of chunk signatures. */
  signature: string;
  /** `x-amz-content-sha256` as sent (a hex hash, `UNSIGNED-PAYLOAD` or `STREAMING-…`), if any. */
  contentSha256?: string;
  presigned: boolean;
}

export type VerifyResult = VerifiedSignature | AuthFailure;

/** The parts of an HTTP request a signature covers. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as received, e.g. `/bucket/a%20b?list-type=2`. */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value, … */
  rawHeaders: readonly string[];
  /**
   * Hex SHA-256 of the body when the server has it buffered; used when no `x-amz-content-sha256`
   * header names the payload hash (the JSON and Query protocols).
   */
  bodySha256?: string;
}

export interface VerifyOptions {
  /** The secret for an access key id, or undefined when the key is unknown or inactive. */
  lookupSecret: (accessKeyId: string) => string | undefined;
  /** Now, in epoch milliseconds. */
  now: number;
  /** Largest allowed clock skew in seconds (AWS: 900). */
  maxSkewSeconds: number;
  /** S3 signs the path as sent; every other service encodes it twice. */
  s3: boolean;
  /**
   * What the credential scope must name; checked before the signature, as AWS does, so a request
   * signed for another region hears that rather than that its signature is wrong. Default: anything.
   */
  scope?: { service: string; regions: string[] };
}

const EMPTY_SHA256 = sha256Hex("");

/** Verifies `request`'s signature. */
export function verifySigV4(request: SignedRequest, options: VerifyOptions): VerifyResult {
  const headers = headerMap(request.rawHeaders);
  const [rawPath, rawQuery = ""] = splitUrl(request.url);
  const query = parseQuery(rawQuery);
  const parsed = parseAuth(headers, query);
  if (!parsed.ok) return parsed;
  const { credential, signedHeaders, signature, amzDate, presigned } = parsed;

  const fail = (reason: AuthFailureReason, message: string): AuthFailure => ({
    ok: false,
    reason,
    message,
    accessKeyId: credential.accessKeyId,
  });

  if (options.scope && !options.scope.regions.includes(credential.region)) {
    return scopeFailure(credential.accessKeyId, "region", credential.region, options.scope.regions[0] ?? "");
  }
  if (options.scope && credential.service !== options.scope.service) {
    return scopeFailure(credential.accessKeyId, "service", credential.service, options.scope.service);
  }
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined)
    return fail("malformed", `X-Amz-Date '${amzDate}' is not in the form yyyyMMddTHHmmssZ`);
  if (!amzDate.startsWith(credential.date)) {
    return fail(
      "signature",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${credential.date}' != '${amzDate.slice(0, 8)}'`,
    );
  }
  if (presigned) {
    const expires = Number(query.get("X-Amz-Expires")?.[0] ?? "");
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) {
      return fail("malformed", "X-Amz-Expires must be a whole number of seconds from 1 to 604800");
    }
    if (options.now > requestTime + expires * 1000) return fail("expired", "Request has expired");
    if (requestTime - options.now > options.maxSkewSeconds * 1000) {
      return fail("skew", `Request is not yet valid: signed at ${amzDate}`);
    }
  } else if (Math.abs(options.now - requestTime) > options.maxSkewSeconds * 1000) {
    return fail(
      "skew",
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(options.now - options.maxSkewSeconds * 1000)} (${formatAmzDate(options.now)} - ${options.maxSkewSeconds / 60} min.)`,
    );
  }
  for (const name of signedHeaders) {
    if (!headers.has(name)) return fail("signature", `Signed header '${name}' is missing from the request`);
  }
  if (!signedHeaders.includes("host")) return fail("signature", "'Host' must be a signed header");

  const secret = options.lookupSecret(credential.accessKeyId);
  if (secret === undefined)
    return fail("unknown-key", "The security token included in the request is invalid.");

  const contentSha256 = headers.get("x-amz-content-sha256")?.[0];
  // A buffered body is checked against the hash the client declared: the signature covers only the
  // declared hash, so an unchecked header would let anyone on the path swap the body.
  if (
    request.bodySha256 !== undefined &&
    contentSha256 !== undefined &&
    contentSha256 !== request.bodySha256
  ) {
    return fail(
      "signature",
      `The provided 'x-amz-content-sha256' header does not match what was computed: expected the SHA-256 of the body, ${request.bodySha256}`,
    );
  }
  // A presigned URL without X-Amz-Content-Sha256 signs UNSIGNED-PAYLOAD for S3, and the body's real
  // hash for every other service (what the SDKs' presigners compute).
  const payloadHash = presigned
    ? (query.get("X-Amz-Content-Sha256")?.[0] ??
      (options.s3 ? "UNSIGNED-PAYLOAD" : (request.bodySha256 ?? EMPTY_SHA256)))
    : (request.bodySha256 ?? contentSha256 ?? EMPTY_SHA256);

  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(rawPath, options.s3),
    canonicalQuery(query, presigned),
    signedHeaders.map((h) => `${h}:${canonicalHeaderValue(headers.get(h) ?? [])}\n`).join(""),
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  const signingKey = deriveSigningKey(secret, credential.date, credential.region, credential.service);
  const expected = signatureOf(signingKey, amzDate, scope, canonicalRequest);
  if (!safeEqualHex(expected, signature)) {
    return fail(
      "signature",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return {
    ok: true,
    accessKeyId: credential.accessKeyId,
    region: credential.region,
    service: credential.service,
    scope,
    amzDate,
    signingKey,
    signature,
    contentSha256,
    presigned,
  };
}

function scopeFailure(
  accessKeyId: string,
  part: "region" | "service",
  got: string,
  expected: string,
): AuthFailure {
  const message =
    part === "region"
      ? `Credential should be scoped to a valid region, not '${got}'. `
      : `Credential should be scoped to correct service: '${expected}'. `;
  return { ok: false, reason: "scope", message, accessKeyId, scope: { part, got, expected } };
}

/** The access key id a request claims, signed or not; for error messages and logs. */
export function claimedAccessKeyId(rawHeaders: readonly string[], url: string): string | undefined {
  const parsed = parseAuth(headerMap(rawHeaders), parseQuery(splitUrl(url)[1] ?? ""));
  return parsed.ok ? parsed.credential.accessKeyId : undefined;
}

/** True when a request carries any form of SigV4 signature. */
export function hasSignature(rawHeaders: readonly string[], url: string): boolean {
  const headers = headerMap(rawHeaders);
  return headers.has("authorization") || parseQuery(splitUrl(url)[1] ?? "").has("X-Amz-Signature");
}

interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

type ParsedAuth =
  | {
      ok: true;
      credential: Credential;
      signedHeaders: string[];
      signature: string;
      amzDate: string;
      presigned: boolean;
    }
  | AuthFailure;

function parseAuth(headers: Map<string, string[]>, query: Map<string, string[]>): ParsedAuth {
  const authorization = headers.get("authorization")?.[0];
  if (authorization !== undefined) {
    const m = /^(\S+)\s+(.*)$/.exec(authorization.trim());
    if (!m || m[1] !== ALGORITHM) {
      return { ok: false, reason: "malformed", message: `Authorization header must use ${ALGORITHM}` };
    }
    const fields = new Map<string, string>();
    for (const part of m[2]!.split(",")) {
      const eq = part.indexOf("=");
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const amzDate = headers.get("x-amz-date")?.[0] ?? isoFromHttpDate(headers.get("date")?.[0]);
    return finishParse(
      fields.get("Credential"),
      fields.get("SignedHeaders"),
      fields.get("Signature"),
      amzDate,
      false,
    );
  }
  if (query.has("X-Amz-Signature") || query.has("X-Amz-Credential")) {
    if (query.get("X-Amz-Algorithm")?.[0] !== ALGORITHM) {
      return { ok: false, reason: "malformed", message: `X-Amz-Algorithm must be ${ALGORITHM}` };
    }
    return finishParse(
      query.get("X-Amz-Credential")?.[0],
      query.get("X-Amz-SignedHeaders")?.[0],
      query.get("X-Amz-Signature")?.[0],
      query.get("X-Amz-Date")?.[0],
      true,
    );
  }
  return { ok: false, reason: "missing", message: "Missing Authentication Token" };
}

function finishParse(
  credential: string | undefined,
  signedHeaders: string | undefined,
  signature: string | undefined,
  amzDate: string | undefined,
  presigned: boolean,
): ParsedAuth {
  const where = presigned ? "query string" : "Authorization header";
  if (!credential || !signedHeaders || !signature) {
    return {
      ok: false,
      reason: "malformed",
      message: `${where} requires Credential, SignedHeaders and Signature`,
    };
  }
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!)) {
    return {
      ok: false,
      reason: "malformed",
      message: `Credential '${credential}' must be <access key id>/<yyyymmdd>/<region>/<service>/aws4_request`,
    };
  }
  if (!amzDate)
    return { ok: false, reason: "malformed", message: "X-Amz-Date (or Date) is required with a signature" };
  return {
    ok: true,
    credential: { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]! },
    signedHeaders: signedHeaders.split(";").map((h) => h.trim().toLowerCase()),
    signature: signature.toLowerCase(),
    amzDate,
    presigned,
  };
}

function headerMap(rawHeaders: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const list = map.get(name);
    if (list) list.push(rawHeaders[i + 1]!);
    else map.set(name, [rawHeaders[i + 1]!]);
  }
  return map;
}

function splitUrl(url: string): [string, string | undefined] {
  const q = url.indexOf("?");
  return q < 0 ? [url, undefined] : [url.slice(0, q), url.slice(q + 1)];
}

/** Query parameters, decoded, in arrival order (`+` is a literal plus in SigV4, not a space). */
function parseQuery(raw: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (!raw) return map;
  for (const pair of raw.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : safeDecode(pair.slice(eq + 1));
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }
  return map;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function canonicalPath(rawPath: string, s3: boolean): string {
  const path = rawPath || "/";
  if (s3) return uriEncode(safeDecode(path), true);
  // Other services: normalise dot segments, then encode each (already encoded) segment again.
  return uriEncode(uriEncode(safeDecode(normalizePath(path)), true), true);
}

function canonicalQuery(query: Map<string, string[]>, presigned: boolean): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, values] of query) {
    if (presigned && key === "X-Amz-Signature") continue;
    for (const value of values) pairs.push([uriEncode(key), uriEncode(value)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function canonicalHeaderValue(values: string[]): string {
  return values.map((v) => v.trim().replace(/\s+/g, " ")).join(",");
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function isoFromHttpDate(date: string | undefined): string | undefined {
  if (!date) return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? undefined : formatAmzDate(ms);
}

function safeEqualHex(a: string, b: string): boolean {
  // Lengths in bytes: a signature of non-ASCII characters has more bytes than characters.
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
