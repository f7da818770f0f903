import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import {
  blobFiles,
  eventually,
  expectCleanBlobDir,
  presignS3,
  s3Request,
  sendRaw,
  signS3,
  type RawResponse,
} from "./s3-support.js";

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
const hex = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const crc32 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlib.crc32(data));
  return out.toString("base64");
};

describe("S3 on the wire: signatures, payload integrity, errors", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    expect((await s3Request(server, { method: "PUT", path: "/wire" })).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  const head = (key: string) => s3Request(server, { method: "HEAD", path: `/wire/${key}` });

  it("renders errors as S3's XML with request ids, and HEAD errors without a body", async () => {
    const res = await s3Request(server, { path: "/wire/missing%20key" });
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("application/xml");
    const requestId = res.headers["x-amz-request-id"];
    expect(res.headers["x-amz-id-2"]).toBeTruthy();
    expect(res.text).toMatch(
      new RegExp(
        `^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>missing key</Key><Resource>/wire/missing key</Resource><RequestId>${String(requestId)}</RequestId></Error>$`,
      ),
    );
    const headRes = await head("missing");
    expect(headRes.status).toBe(404);
    expect(headRes.body.length).toBe(0);
    expect((await s3Request(server, { path: "/nosuchbucket/k" })).code).toBe("NoSuchBucket");
  });

  it("answers operations it does not build with NotImplemented, and odd methods with MethodNotAllowed", async () => {
    const tagging = await s3Request(server, { path: "/wire", query: { tagging: "" } });
    expect([tagging.status, tagging.code]).toEqual([501, "NotImplemented"]);
    const patch = await s3Request(server, { method: "PATCH", path: "/wire/k" });
    expect([patch.status, patch.code]).toEqual([405, "MethodNotAllowed"]);
    const list = await s3Request(server, { path: "/wire", query: { "list-type": "3" } });
    expect(list.code).toBe("InvalidArgument");
  });

  it("refuses anonymous, unknown, forged and stale requests with S3's codes", async () => {
    const anonymous = await sendRaw(server, "GET", "/wire/k", {});
    expect([anonymous.status, anonymous.code]).toEqual([403, "AccessDenied"]);
    const unknown = await s3Request(server, {
      path: "/wire/k",
      credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" },
    });
    expect([unknown.status, unknown.code]).toEqual([403, "InvalidAccessKeyId"]);
    const forged = await s3Request(server, {
      path: "/wire/k",
      credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: "wrong" },
    });
    expect([forged.status, forged.code]).toEqual([403, "SignatureDoesNotMatch"]);
    const skewed = await s3Request(server, {
      path: "/wire/k",
      signingDate: new Date(Date.now() - 20 * 60_000),
    });
    expect([skewed.status, skewed.code]).toEqual([403, "RequestTimeTooSkewed"]);
    const noHash = await s3Request(server, { path: "/wire/k", contentSha256: "" });
    expect(noHash.status).toBe(400);
  });

  it("refuses a body declared larger than 5 GiB before reading it", async () => {
    const headers = { "content-length": String(6 * 1024 ** 3) };
    const signed = await signS3(server, {
      method: "PUT",
      path: "/wire/huge",
      contentSha256: "UNSIGNED-PAYLOAD",
      headers,
    });
    const res = await sendRaw(server, "PUT", signed.path, signed.headers, Buffer.alloc(1024));
    expect([res.status, res.code, res.headers.connection]).toEqual([400, "EntityTooLarge", "close"]);
  });

  it("accepts presigned PUT and GET URLs and refuses expired ones", async () => {
    const putUrl = await presignS3(server, { method: "PUT", path: "/wire/presigned.txt", expiresIn: 300 });
    const put = await fetch(putUrl, { method: "PUT", body: "via presigned url" });
    expect(await put.text()).toBe("");
    const getUrl = await presignS3(server, { method: "GET", path: "/wire/presigned.txt", expiresIn: 300 });
    expect(await (await fetch(getUrl)).text()).toBe("via presigned url");
    const old = await presignS3(server, {
      method: "GET",
      path: "/wire/presigned.txt",
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3_600_000),
    });
    const expired = await fetch(old);
    expect(expired.status).toBe(403);
    const text = await expired.text();
    expect(text).toContain("<Code>AccessDenied</Code>");
    expect(text).toContain("Request has expired");
  });

  it("stores nothing when x-amz-content-sha256 or Content-MD5 disagree with the body", async () => {
    const mismatch = await s3Request(server, {
      method: "PUT",
      path: "/wire/hashed",
      body: "the real body",
      contentSha256: hex("another body"),
    });
    expect([mismatch.status, mismatch.code]).toEqual([400, "XAmzContentSHA256Mismatch"]);
    const badMd5 = await s3Request(server, {
      method: "PUT",
      path: "/wire/hashed",
      body: "the real body",
      headers: { "content-md5": createHash("md5").update("another").digest("base64") },
    });
    expect([badMd5.status, badMd5.code]).toEqual([400, "BadDigest"]);
    const malformedMd5 = await s3Request(server, {
      method: "PUT",
      path: "/wire/hashed",
      body: "the real body",
      headers: { "content-md5": "not-base64!" },
    });
    expect([malformedMd5.status, malformedMd5.code]).toEqual([400, "InvalidDigest"]);
    expect((await head("hashed")).status).toBe(404);
    const good = await s3Request(server, {
      method: "PUT",
      path: "/wire/hashed",
      body: "the real body",
      headers: { "content-md5": createHash("md5").update("the real body").digest("base64") },
    });
    expect(good.status).toBe(200);
    await expectCleanBlobDir(server);
  });

  /** A signed aws-chunked body as AWS documents it, built here independently of the server's decoder. */
  async function streamingPut(
    key: string,
    data: Buffer,
    options: { trailer?: string; tamper?: boolean; chunkSize?: number } = {},
  ): Promise<RawResponse> {
    const mode = options.trailer
      ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
      : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    const size = options.chunkSize ?? 64 * 1024;
    // The encoded length is signed, so it is worked out before the chunk signatures exist.
    let encodedLength = 0;
    for (let at = 0; at < data.length; at += size) {
      const n = Math.min(size, data.length - at);
      encodedLength += n.toString(16).length + ";chunk-signature=".length + 64 + 2 + n + 2;
    }
    encodedLength += "0;chunk-signature=".length + 64 + 2 + 2;
    if (options.trailer) {
      encodedLength +=
        `x-amz-checksum-crc32:${options.trailer}\r\n`.length + "x-amz-trailer-signature:".length + 64 + 2;
    }
    const headers: Record<string, string> = {
      "content-length": String(encodedLength),
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": String(data.length),
      ...(options.trailer ? { "x-amz-trailer": "x-amz-checksum-crc32" } : {}),
    };
    const signed = await signS3(server, {
      method: "PUT",
      path: `/wire/${key}`,
      contentSha256: mode,
      headers,
    });
    const auth = signed.headers.authorization!;
    const [, accessKey, date, region, service] = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\//.exec(
      auth,
    )!;
    expect(accessKey).toBe(server.credentials.accessKeyId);
    const amzDate = signed.headers["x-amz-date"]!;
    const scope = `${date}/${region}/${service}/aws4_request`;
    let key_ = hmac(`AWS4${server.credentials.secretAccessKey}`, date!);
    for (const part of [region!, service!, "aws4_request"]) key_ = hmac(key_, part);
    let previous = /Signature=([0-9a-f]{64})/.exec(auth)![1]!;
    const sign = (kind: string, last: string) => {
      previous = hmac(key_, [`AWS4-HMAC-SHA256-${kind}`, amzDate, scope, previous, last].join("\n")).toString(
        "hex",
      );
      return previous;
    };
    const pieces: Buffer[] = [];
    for (let at = 0; at < data.length; at += size) {
      const chunk = data.subarray(at, at + size);
      const signature = sign("PAYLOAD", `${hex("")}\n${hex(chunk)}`);
      const sent = options.tamper && at === 0 ? Buffer.from(chunk).fill(0x21, 0, 1) : chunk;
      pieces.push(
        Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`),
        sent,
        Buffer.from("\r\n"),
      );
    }
    pieces.push(Buffer.from(`0;chunk-signature=${sign("PAYLOAD", `${hex("")}\n${hex("")}`)}\r\n`));
    if (options.trailer) {
      const line = `x-amz-checksum-crc32:${options.trailer}`;
      pieces.push(Buffer.from(`${line}\r\nx-amz-trailer-signature:${sign("TRAILER", hex(`${line}\n`))}\r\n`));
    }
    pieces.push(Buffer.from("\r\n"));
    const body = Buffer.concat(pieces);
    return await sendRaw(
      server,
      "PUT",
      signed.path,
      { ...signed.headers, "content-length": String(body.length) },
      body,
    );
  }

  it("verifies every chunk signature of STREAMING-AWS4-HMAC-SHA256-PAYLOAD bodies", async () => {
    const data = Buffer.alloc(150_000, "q");
    const ok = await streamingPut("chunked", data);
    expect(ok.text).toBe("");
    expect(ok.headers.etag).toBe(`"${createHash("md5").update(data).digest("hex")}"`);
    const got = await s3Request(server, { path: "/wire/chunked" });
    expect(got.body.equals(data)).toBe(true);
    const tampered = await streamingPut("tampered", data, { tamper: true });
    expect([tampered.status, tampered.code]).toEqual([403, "SignatureDoesNotMatch"]);
    expect((await head("tampered")).status).toBe(404);
  });

  it("verifies signed trailers and their checksums", async () => {
    const data = Buffer.from("trailing checksum body");
    const ok = await streamingPut("trailer", data, { trailer: crc32(data), chunkSize: 8 });
    expect(ok.status).toBe(200);
    expect(ok.headers["x-amz-checksum-crc32"]).toBe(crc32(data));
    const wrong = await streamingPut("trailer-wrong", data, { trailer: crc32(Buffer.from("other")) });
    expect([wrong.status, wrong.code]).toEqual([400, "BadDigest"]);
    expect((await head("trailer-wrong")).status).toBe(404);
    await expectCleanBlobDir(server);
  });

  it("leaves no object and no file behind when a client disconnects mid-upload", async () => {
    const size = 4 * 1024 * 1024;
    const signed = await signS3(server, {
      method: "PUT",
      path: "/wire/interrupted",
      contentSha256: "UNSIGNED-PAYLOAD",
      headers: { "content-length": String(size) },
    });
    const url = new URL(server.url);
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: "PUT",
      path: signed.path,
      headers: signed.headers,
      agent: false,
    });
    req.on("error", () => undefined);
    req.write(Buffer.alloc(size / 2, 1));
    // Wait until the server is writing the upload to a temporary file, then drop the connection.
    await eventually(() => expect(blobFiles(server).some((f) => f.startsWith("tmp/"))).toBe(true));
    req.destroy();
    await eventually(() => expect(blobFiles(server).filter((f) => f.startsWith("tmp/"))).toEqual([]));
    expect((await head("interrupted")).status).toBe(404);
    await expectCleanBlobDir(server);
  });
});
