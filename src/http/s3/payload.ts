import type { IncomingMessage } from "node:http";
import { PassThrough, type Transform } from "node:stream";
import { createDigest, type DigestName, type StoredBlob } from "../../platform/blobs/index.js";
import {
  CHECKSUM_DIGESTS,
  MAX_PUT_BYTES,
  s3Error,
  type ChecksumAlgorithm,
  type IncomingBody,
} from "../../services/s3/index.js";
import type { VerifiedSignature } from "../sigv4.js";
import { AwsChunkedDecoder } from "./chunked.js";
import { headerOf } from "./request.js";

const ALGORITHMS: Record<string, ChecksumAlgorithm> = {
  crc32: "CRC32",
  crc32c: "CRC32C",
  sha1: "SHA1",
  sha256: "SHA256",
  crc64nvme: "CRC64NVME",
};
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = {
  CRC32: 4,
  CRC32C: 4,
  SHA1: 20,
  SHA256: 32,
  CRC64NVME: 8,
};

/**
 * The body of an S3 request as an {@link IncomingBody}: decoded from aws-chunked when it is, with
 * every promise the request makes about it checked before it is committed — the hex
 * `x-amz-content-sha256`, each chunk and trailer signature, `Content-MD5`, and an
 * `x-amz-checksum-*` value sent as a header or a trailer.
 */
export function openRequestBody(req: IncomingMessage, signature: VerifiedSignature): IncomingBody {
  const contentSha256 = signature.contentSha256 ?? "UNSIGNED-PAYLOAD";
  const streaming = contentSha256.startsWith("STREAMING-");
  const digests: DigestName[] = [];
  let decoder: AwsChunkedDecoder | undefined;
  let trailerNames: string[] = [];

  if (/^[0-9a-f]{64}$/i.test(contentSha256)) digests.push("sha256");
  else if (streaming) {
    if (contentSha256.includes("ECDSA")) {
      throw s3Error("NotImplemented", "SigV4a (ECDSA) streaming signatures are not implemented here.");
    }
    const signed = contentSha256.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    if (!signed && contentSha256 !== "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
      throw badContentSha256(contentSha256);
    trailerNames = (headerOf(req, "x-amz-trailer") ?? "")
      .split(",")
      .map((n) => n.trim().toLowerCase())
      .filter(Boolean);
    decoder = new AwsChunkedDecoder({
      signer: signed
        ? {
            signingKey: signature.signingKey,
            amzDate: signature.amzDate,
            scope: signature.scope,
            seedSignature: signature.signature,
          }
        : undefined,
      signedTrailer: signed && contentSha256.endsWith("-TRAILER"),
      trailerNames,
      decodedLength: parseLength(
        headerOf(req, "x-amz-decoded-content-length"),
        "x-amz-decoded-content-length",
      ),
    });
  } else if (contentSha256 !== "UNSIGNED-PAYLOAD") throw badContentSha256(contentSha256);

  const declared = streaming
    ? parseLength(headerOf(req, "x-amz-decoded-content-length"), "x-amz-decoded-content-length")
    : parseLength(headerOf(req, "content-length"), "Content-Length");
  if (declared !== undefined && declared > MAX_PUT_BYTES) {
    throw s3Error("EntityTooLarge", undefined, { ProposedSize: declared, MaxSizeAllowed: MAX_PUT_BYTES });
  }

  const checksum = declaredChecksum(req, trailerNames);
  const contentMd5 = parseContentMd5(headerOf(req, "content-md5"));
  return {
    stream: forward(req, decoder ?? new PassThrough()),
    digests,
    checksumAlgorithm: checksum?.algorithm,
    declaredSize: declared,
    verify(blob: StoredBlob) {
      if (digests.includes("sha256")) {
        const computed = blob.digests.sha256?.toString("hex");
        if (computed !== contentSha256.toLowerCase()) {
          throw s3Error("XAmzContentSHA256Mismatch", undefined, {
            ClientComputedContentSHA256: contentSha256,
            S3ComputedContentSHA256: computed ?? "",
          });
        }
      }
      if (contentMd5 && !contentMd5.equals(blob.md5)) {
        throw s3Error("BadDigest", undefined, {
          ExpectedDigest: contentMd5.toString("base64"),
          CalculatedDigest: blob.md5.toString("base64"),
        });
      }
      if (checksum) {
        const sent = checksum.value ?? decoder?.trailers.get(checksum.header);
        if (sent !== undefined) checkChecksum(checksum.algorithm, checksum.header, sent, blob);
      }
    },
  };
}

/** Reads a small body (an XML document) whole, checking it like {@link openRequestBody} does. */
export async function readSmallBody(body: IncomingBody, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body.stream) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw s3Error("MaxMessageLengthExceeded", `Your request was too big: the limit is ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const data = Buffer.concat(chunks);
  const names = new Set<DigestName>(body.digests);
  if (body.checksumAlgorithm) names.add(CHECKSUM_DIGESTS[body.checksumAlgorithm]);
  const digests: Partial<Record<DigestName, Buffer>> = {};
  for (const name of names) {
    const digest = createDigest(name);
    digest.update(data);
    digests[name] = digest.digest();
  }
  const md5 = createDigest("md5");
  md5.update(data);
  body.verify({ id: "", size: data.length, md5: md5.digest(), digests });
  return data;
}

/**
 * Pipes the request into `into` without tying their lifetimes together: a failure downstream (a bad
 * chunk signature) must not destroy the request, or no error response could be sent; a client that
 * goes away mid-body fails the stream, so nothing is committed.
 */
function forward(req: IncomingMessage, into: Transform): Transform {
  // The consumer (the blob store's pipeline) sees errors through its own listeners; this one keeps a
  // body that was never consumed (the request failed before it was read) from crashing the process.
  into.on("error", () => undefined);
  req.pipe(into);
  req.once("error", (err) => into.destroy(err));
  req.once("close", () => {
    if (!req.complete)
      into.destroy(
        Object.assign(new Error("The client closed the connection mid-body"), { code: "ECONNRESET" }),
      );
  });
  return into;
}

function badContentSha256(value: string) {
  return s3Error(
    "InvalidArgument",
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
    { ArgumentName: "x-amz-content-sha256", ArgumentValue: value },
  );
}

function parseLength(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw s3Error("InvalidArgument", `${name} must be a whole number of bytes`, {
      ArgumentName: name,
      ArgumentValue: value,
    });
  return Number(value.trim());
}

function parseContentMd5(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value.trim(), "base64");
  if (bytes.length !== 16 || bytes.toString("base64") !== value.trim()) throw s3Error("InvalidDigest");
  return bytes;
}

interface DeclaredChecksum {
  algorithm: ChecksumAlgorithm;
  header: string;
  /** The value from a header; undefined when it arrives as a trailer (or was not sent at all). */
  value?: string;
}

/** The checksum a request declares: an `x-amz-checksum-*` header or trailer, or just an algorithm. */
export function declaredChecksum(
  req: IncomingMessage,
  trailerNames: readonly string[] = [],
): DeclaredChecksum | undefined {
  const found: DeclaredChecksum[] = [];
  for (const [suffix, algorithm] of Object.entries(ALGORITHMS)) {
    const header = `x-amz-checksum-${suffix}`;
    const value = headerOf(req, header);
    if (value !== undefined) found.push({ algorithm, header, value });
    else if (trailerNames.includes(header)) found.push({ algorithm, header });
  }
  if (found.length > 1)
    throw s3Error(
      "InvalidRequest",
      "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
    );
  if (found[0]) return found[0];
  const named = headerOf(req, "x-amz-sdk-checksum-algorithm") ?? headerOf(req, "x-amz-checksum-algorithm");
  if (named === undefined) return undefined;
  const algorithm = ALGORITHMS[named.trim().toLowerCase()];
  if (!algorithm)
    throw s3Error(
      "InvalidRequest",
      `Checksum algorithm '${named}' is not supported; use CRC32, CRC32C, SHA1, SHA256 or CRC64NVME.`,
    );
  return { algorithm, header: `x-amz-checksum-${named.trim().toLowerCase()}` };
}

function checkChecksum(algorithm: ChecksumAlgorithm, header: string, sent: string, blob: StoredBlob): void {
  const bytes = Buffer.from(sent, "base64");
  if (bytes.length !== DIGEST_BYTES[algorithm] || bytes.toString("base64") !== sent) {
    throw s3Error("InvalidRequest", `Value for ${header} header is invalid.`);
  }
  const computed = blob.digests[CHECKSUM_DIGESTS[algorithm]];
  if (!computed?.equals(bytes)) {
    throw s3Error("BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`);
  }
}
