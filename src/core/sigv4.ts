import { createHash, createHmac } from "node:crypto";

/**
 * The pieces of AWS Signature Version 4 that both sides need: the server's verifier
 * (src/http/sigv4.ts) and the clients' signer (./signed-request.ts). node:crypto only.
 */

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

/** The signing key: HMAC chain of date, region, service and `aws4_request` over `AWS4<secret>`. */
export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(Buffer.from(`AWS4${secret}`, "utf8"), date);
  return hmac(hmac(hmac(kDate, region), service), "aws4_request");
}

export function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** RFC 3986 encoding of everything but unreserved characters, as SigV4 specifies. */
export function uriEncode(s: string, keepSlash = false): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A path with empty and `.` segments dropped and `..` applied; a trailing slash is kept. */
export function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") segments.pop();
    else segments.push(seg);
  }
  return `/${segments.join("/")}${segments.length && path.endsWith("/") ? "/" : ""}`;
}

/** `yyyyMMddTHHmmssZ` for epoch milliseconds. */
export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** The string to sign of a canonical request, and its signature with `signingKey`. */
export function signatureOf(
  signingKey: Buffer,
  amzDate: string,
  scope: string,
  canonicalRequest: string,
): string {
  const stringToSign = [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  return hmac(signingKey, stringToSign).toString("hex");
}
