import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import http, { type IncomingHttpHeaders } from "node:http";
import path from "node:path";
import type { TestServer } from "../support/server.js";

/** A raw HTTP response, with the S3 error code parsed out of an XML error body. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** `<Code>` of an `<Error>` body. */
  code?: string;
}

/** Options for {@link signS3} and {@link s3Request}. */
export interface S3RequestOptions {
  method?: string;
  /** Path as sent (already percent-encoded), e.g. `/bucket/key`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Default: the body's hex SHA-256. */
  contentSha256?: string;
  signingDate?: Date;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  unsigned?: boolean;
}

function signer(server: TestServer, credentials?: S3RequestOptions["credentials"]): SignatureV4 {
  return new SignatureV4({
    credentials: credentials ?? server.clientConfig.credentials,
    region: server.config.region,
    service: "s3",
    sha256: Sha256,
    // S3 signs the path as sent, without the second encoding other services use.
    uriEscapePath: false,
    // The tests choose x-amz-content-sha256 themselves (or leave it out on purpose).
    applyChecksum: false,
  });
}

function request(server: TestServer, options: S3RequestOptions, body: Buffer): HttpRequest {
  const url = new URL(server.url);
  return new HttpRequest({
    method: options.method ?? "GET",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path,
    query: options.query,
    headers: {
      host: url.host,
      ...(options.contentSha256 === ""
        ? {}
        : {
            "x-amz-content-sha256": options.contentSha256 ?? createHash("sha256").update(body).digest("hex"),
          }),
      ...(body.length > 0 || options.method === "PUT" ? { "content-length": String(body.length) } : {}),
      ...options.headers,
    },
  });
}

/** The signed headers (and the full path with query) of a request, for bodies sent by hand. */
export async function signS3(
  server: TestServer,
  options: S3RequestOptions,
): Promise<{ path: string; headers: Record<string, string> }> {
  const body = Buffer.from(options.body ?? "");
  const unsigned = request(server, options, body);
  const signed = options.unsigned
    ? unsigned
    : ((await signer(server, options.credentials).sign(unsigned, {
        signingDate: options.signingDate ?? new Date(),
      })) as HttpRequest);
  const query = new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, "%20");
  return { path: `${signed.path}${query ? `?${query}` : ""}`, headers: signed.headers };
}

/** A presigned URL for `path`. */
export async function presignS3(
  server: TestServer,
  options: { method: string; path: string; expiresIn: number; signingDate?: Date },
): Promise<string> {
  const url = new URL(server.url);
  const presigned = await signer(server).presign(
    new HttpRequest({
      method: options.method,
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: options.path,
      // As @aws-sdk/s3-request-presigner does: the body of a presigned request is not signed.
      headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    }),
    { expiresIn: options.expiresIn, signingDate: options.signingDate ?? new Date() },
  );
  const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
  return `${server.url}${presigned.path}?${query}`;
}

/** Sends `body` to `path` with the given headers over a fresh connection; resolves with the whole response. */
export async function sendRaw(
  server: TestServer,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<RawResponse> {
  const url = new URL(server.url);
  return await new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: pathAndQuery, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const data = Buffer.concat(chunks);
          const text = data.toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: data,
            text,
            code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Signs and sends one S3 request. */
export async function s3Request(server: TestServer, options: S3RequestOptions): Promise<RawResponse> {
  const { path: signedPath, headers } = await signS3(server, options);
  return await sendRaw(server, options.method ?? "GET", signedPath, headers, Buffer.from(options.body ?? ""));
}

/** Every file under the server's blob directory, relative to it. */
export function blobFiles(server: TestServer): string[] {
  const root = path.join(server.dataDir, "blobs");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Blob ids the metadata refers to: objects and parts of uploads in progress. */
export async function referencedBlobs(server: TestServer): Promise<Set<string>> {
  const objects = await server.store.db.selectFrom("s3_objects").select("blob_id").execute();
  const parts = await server.store.db.selectFrom("s3_upload_parts").select("blob_id").execute();
  return new Set([...objects, ...parts].map((r) => r.blob_id));
}

/** Asserts the blob directory holds exactly the referenced blobs: no temporaries, no orphans. */
export async function expectCleanBlobDir(server: TestServer): Promise<void> {
  const referenced = await referencedBlobs(server);
  const files = blobFiles(server);
  const expected = [...referenced].map((id) => path.join(id.slice(0, 2), id)).sort();
  if (JSON.stringify(files.sort()) !== JSON.stringify(expected)) {
    throw new Error(
      `blob directory holds ${JSON.stringify(files)}, metadata refers to ${JSON.stringify(expected)}`,
    );
  }
}

/** Polls `check` until it stops throwing, for effects that happen after a response (up to 5 s). */
export async function eventually(check: () => Promise<void> | void): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Hex SHA-256. */
export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}
