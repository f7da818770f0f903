/**
 * SigV4-signed requests from Pipewright's own clients (the `pipewright` commands, the deploy agent),
 * signed as the AWS SDK would sign them. One signer for every client process, on node:crypto and the
 * primitives the server verifies with.
 */
import {
  SIGV4_ALGORITHM,
  deriveSigningKey,
  formatAmzDate,
  normalizePath,
  sha256Hex,
  signatureOf,
  uriEncode,
} from "./sigv4.js";

/** The key and region a request is signed with. */
export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** Headers the SDK never signs: hop-by-hop, or rewritten on the way by proxies and agents. */
const UNSIGNABLE_HEADERS = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id",
]);

/**
 * Signs a request of `method` to `url` for `service`; returns the headers to send (without `host`,
 * which fetch sets itself, to the same value): the given ones, `x-amz-date`, `x-amz-content-sha256`
 * and `authorization`. The path is normalised and encoded again, as the SDK does for every service
 * but S3, whose path (an object's key) is taken as it is and encoded once.
 */
export async function signedHeaders(
  url: URL,
  key: SigningKey,
  service: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Record<string, string>> {
  const amzDate = formatAmzDate(Date.now());
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...init.headers, "x-amz-date": amzDate };
  const declared = Object.keys(headers).find((name) => name.toLowerCase() === "x-amz-content-sha256");
  const payloadHash = declared !== undefined ? headers[declared]! : sha256Hex(init.body ?? "");
  if (declared === undefined) headers["x-amz-content-sha256"] = payloadHash;

  const canonical = new Map<string, string>([["host", url.host]]);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (UNSIGNABLE_HEADERS.has(lower) || lower.startsWith("proxy-") || lower.startsWith("sec-")) continue;
    canonical.set(lower, value.trim().replace(/\s+/g, " "));
  }
  const names = [...canonical.keys()].sort();
  const scope = `${date}/${key.region}/${service}/aws4_request`;
  const canonicalRequest = [
    init.method ?? "GET",
    canonicalPath(url.pathname, service),
    canonicalQuery(url.searchParams),
    names.map((name) => `${name}:${canonical.get(name)}\n`).join(""),
    names.join(";"),
    payloadHash,
  ].join("\n");
  const signingKey = deriveSigningKey(key.secretAccessKey, date, key.region, service);
  const signature = signatureOf(signingKey, amzDate, scope, canonicalRequest);
  headers.authorization = `${SIGV4_ALGORITHM} Credential=${key.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  delete headers.host;
  return headers;
}

/** Sorted, encoded `key=value` pairs; a repeated key counts once, with its last value (as the SDK's request does). */
function canonicalQuery(params: URLSearchParams): string {
  const pairs = new Map<string, string>();
  for (const [name, value] of params) {
    if (name.toLowerCase() === "x-amz-signature") continue;
    pairs.set(uriEncode(name), `${uriEncode(name)}=${uriEncode(value)}`);
  }
  return [...pairs.keys()]
    .sort()
    .map((name) => pairs.get(name)!)
    .join("&");
}

/** The canonical URI of `pathname` (as URL encodes it): S3's is encoded once and never normalised. */
function canonicalPath(pathname: string, service: string): string {
  if (service !== "s3") return uriEncode(normalizePath(pathname), true);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    decoded = pathname;
  }
  return uriEncode(decoded, true);
}
