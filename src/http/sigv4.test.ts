import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { signedHeaders } from "../core/index.js";
import { verifySigV4, type SignedRequest } from "./sigv4.js";

const credentials = { accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "secret/with+chars" };
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

function signer(service: string, s3 = false): SignatureV4 {
  return new SignatureV4({ credentials, region: "us-east-1", service, sha256: Sha256, uriEscapePath: !s3 });
}

/** Turns a smithy request into what the server sees on the wire. */
function wire(req: HttpRequest, body?: string): SignedRequest {
  const query = Object.entries(req.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v ?? ""]]))
    .map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`)
    .join("&");
  const rawHeaders = Object.entries(req.headers).flatMap(([k, v]) => [k, v]);
  const out: SignedRequest = {
    method: req.method,
    url: query ? `${req.path}?${query}` : req.path,
    rawHeaders,
  };
  if (body !== undefined) {
    out.bodySha256 = require_sha256(body);
  }
  return out;
}

function require_sha256(body: string): string {
  const h = new Sha256();
  h.update(body);
  return Buffer.from(h.digestSync()).toString("hex");
}

const options = (over: Partial<Parameters<typeof verifySigV4>[1]> = {}) => ({
  lookupSecret: (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
  now: NOW,
  maxSkewSeconds: 900,
  s3: false,
  ...over,
});

function jsonRequest(body: string): HttpRequest {
  return new HttpRequest({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 4280,
    path: "/",
    headers: {
      host: "127.0.0.1:4280",
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AmazonSSM.GetParameter",
    },
    body,
  });
}

describe("SigV4 verification", () => {
  it("accepts a request signed by Pipewright's own clients", async () => {
    const url = new URL("http://127.0.0.1:4280/a/./b/../c%20d?y=%20z&x=1");
    const body = '{"applicationName":"app"}';
    const headers = await signedHeaders(url, { ...credentials, region: "us-east-1" }, "codedeploy", {
      method: "POST",
      body,
      headers: { "content-type": "application/x-amz-json-1.1" },
    });
    const rawHeaders = ["Host", url.host, ...Object.entries(headers).flat()];
    const request = { method: "POST", url: `${url.pathname}${url.search}`, rawHeaders };
    const result = verifySigV4(request, options({ now: Date.now(), s3: false }));
    expect(result).toMatchObject({ ok: true, service: "codedeploy", region: "us-east-1" });
    const changed = { ...request, bodySha256: require_sha256('{"applicationName":"other"}') };
    expect(verifySigV4(changed, options({ now: Date.now() }))).toMatchObject({ ok: false });
  });

  it("accepts an S3 request for a key that needs encoding, signed by Pipewright's own clients", async () => {
    const url = new URL("http://127.0.0.1:4280/bundles/web%20app/v1+2.tgz");
    const headers = await signedHeaders(url, { ...credentials, region: "us-east-1" }, "s3");
    const rawHeaders = ["Host", url.host, ...Object.entries(headers).flat()];
    const request = { method: "GET", url: url.pathname, rawHeaders };
    expect(verifySigV4(request, options({ now: Date.now(), s3: true }))).toMatchObject({
      ok: true,
      service: "s3",
    });
  });

  it("accepts a JSON request signed by @smithy/signature-v4", async () => {
    const body = '{"Name":"/a"}';
    const signed = (await signer("ssm").sign(jsonRequest(body), {
      signingDate: new Date(NOW),
    })) as HttpRequest;
    const result = verifySigV4(wire(signed, body), options());
    expect(result).toMatchObject({ ok: true, service: "ssm", region: "us-east-1" });
  });

  it("rejects a body changed after signing", async () => {
    const signed = (await signer("ssm").sign(jsonRequest("{}"), {
      signingDate: new Date(NOW),
    })) as HttpRequest;
    expect(verifySigV4(wire(signed, '{"x":1}'), options())).toMatchObject({ ok: false, reason: "signature" });
  });

  it("rejects a wrong secret, an unknown key and a missing signature", async () => {
    const signed = (await signer("ssm").sign(jsonRequest("{}"), {
      signingDate: new Date(NOW),
    })) as HttpRequest;
    expect(verifySigV4(wire(signed, "{}"), options({ lookupSecret: () => "nope" }))).toMatchObject({
      reason: "signature",
    });
    expect(verifySigV4(wire(signed, "{}"), options({ lookupSecret: () => undefined }))).toMatchObject({
      reason: "unknown-key",
    });
    expect(
      verifySigV4({ method: "POST", url: "/", rawHeaders: ["host", "x"], bodySha256: "" }, options()),
    ).toMatchObject({ reason: "missing" });
  });

  it("rejects a clock more than 15 minutes off, either way", async () => {
    for (const skew of [-16 * 60_000, 16 * 60_000]) {
      const signed = (await signer("ssm").sign(jsonRequest("{}"), {
        signingDate: new Date(NOW + skew),
      })) as HttpRequest;
      expect(verifySigV4(wire(signed, "{}"), options())).toMatchObject({ ok: false, reason: "skew" });
    }
    const near = (await signer("ssm").sign(jsonRequest("{}"), {
      signingDate: new Date(NOW + 14 * 60_000),
    })) as HttpRequest;
    expect(verifySigV4(wire(near, "{}"), options())).toMatchObject({ ok: true });
  });

  it("accepts S3 paths and queries with characters that need encoding", async () => {
    const req = new HttpRequest({
      method: "GET",
      protocol: "http:",
      hostname: "127.0.0.1",
      path: "/bucket/dir/a%20b%2Bc~%C3%A9.txt",
      query: { prefix: "a b+c/é", "list-type": "2", "continuation-token": "x=y&z" },
      headers: { host: "127.0.0.1:4280", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    const signed = (await signer("s3", true).sign(req, { signingDate: new Date(NOW) })) as HttpRequest;
    expect(verifySigV4(wire(signed), options({ s3: true }))).toMatchObject({ ok: true, service: "s3" });
  });

  it("accepts a presigned URL until it expires", async () => {
    const req = new HttpRequest({
      method: "GET",
      protocol: "http:",
      hostname: "127.0.0.1",
      path: "/bucket/key.txt",
      // As the S3 presigner does: the payload of a presigned URL is unknown, hence UNSIGNED-PAYLOAD.
      headers: { host: "127.0.0.1:4280", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    const presigned = (await signer("s3", true).presign(req, {
      signingDate: new Date(NOW),
      expiresIn: 60,
      unhoistableHeaders: new Set(["x-amz-content-sha256"]),
      unsignableHeaders: new Set(["x-amz-content-sha256"]),
    })) as HttpRequest;
    delete presigned.headers["x-amz-content-sha256"];
    expect(verifySigV4(wire(presigned), options({ s3: true }))).toMatchObject({ ok: true, presigned: true });
    expect(verifySigV4(wire(presigned), options({ s3: true, now: NOW + 61_000 }))).toMatchObject({
      ok: false,
      reason: "expired",
    });
  });
});
