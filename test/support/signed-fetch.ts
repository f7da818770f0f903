import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { TestServer } from "./server.js";

/** Options for {@link signedFetch}. */
export interface SignedFetchOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** SigV4 service name; default `ssm`. */
  service?: string;
  /** SigV4 region; default the server's. */
  region?: string;
  /** Sign with this time instead of now (clock-skew tests). */
  signingDate?: Date;
  /** Sign with these credentials instead of the server's root key. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Send without any signature. */
  unsigned?: boolean;
  /** Aborts the request (a time limit). */
  signal?: AbortSignal;
}

/**
 * A raw HTTP request signed with the smithy SigV4 signer (what the AWS SDK uses), for tests that need
 * to send what an SDK would never send: bad JSON, wrong content types, skewed clocks, huge bodies.
 */
export async function signedFetch(server: TestServer, options: SignedFetchOptions): Promise<Response> {
  const url = new URL(server.url);
  const request = new HttpRequest({
    method: options.method ?? "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path ?? "/",
    headers: { host: url.host, ...options.headers },
    body: options.body,
  });
  const signed = options.unsigned
    ? request
    : ((await new SignatureV4({
        credentials: options.credentials ?? server.clientConfig.credentials,
        region: options.region ?? server.config.region,
        service: options.service ?? "ssm",
        sha256: Sha256,
      }).sign(request, { signingDate: options.signingDate ?? new Date() })) as HttpRequest);
  const headers = { ...signed.headers };
  delete headers.host;
  return await fetch(`${server.url}${signed.path}`, {
    method: signed.method,
    headers,
    body: options.body,
    ...(options.signal && { signal: options.signal }),
  });
}

/** A JSON 1.1 request to `<target>` with `body` as the raw body. */
export function jsonCall(
  server: TestServer,
  target: string,
  body: string | Buffer,
  extra: Omit<SignedFetchOptions, "body"> = {},
): Promise<Response> {
  return signedFetch(server, {
    ...extra,
    body,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target, ...extra.headers },
  });
}
