import { createHash, timingSafeEqual, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { hmac, sha256Hex } from "../sigv4.js";

/**
 * Decoder of S3's `aws-chunked` content encoding ("Signature Version 4 streaming"): chunks of
 * `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n`, a zero-size final chunk, then optional
 * trailing headers (`x-amz-checksum-crc32:…`, `x-amz-trailer-signature:…`) and an empty line.
 * Data passes through as it arrives and memory stays flat; each chunk's signature is checked when
 * the chunk ends, so a forged chunk fails the stream before the upload can be committed.
 */

/** What chunk signatures chain from: the request's own signature and signing key. */
export interface ChunkSigner {
  signingKey: Buffer;
  /** `yyyymmddThhmmssZ` of the request. */
  amzDate: string;
  /** `yyyymmdd/region/s3/aws4_request`. */
  scope: string;
  /** The request's signature: the previous signature of the first chunk. */
  seedSignature: string;
}

/** Options for {@link AwsChunkedDecoder}. */
export interface AwsChunkedOptions {
  /** Set for `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`: every chunk must be signed. */
  signer?: ChunkSigner;
  /** The trailer is signed too (`…-PAYLOAD-TRAILER`); requires {@link signer}. */
  signedTrailer?: boolean;
  /** Trailing header names the request declared in `x-amz-trailer` (lower case); others are refused. */
  trailerNames?: readonly string[];
  /** `x-amz-decoded-content-length`, when sent: the decoded size must be exactly this. */
  decodedLength?: number;
}

/** Why an aws-chunked body was refused. */
export type AwsChunkedFailure = "format" | "signature" | "length";

/** An aws-chunked body that is malformed, incomplete or wrongly signed. */
export class AwsChunkedError extends Error {
  constructor(
    readonly reason: AwsChunkedFailure,
    message: string,
  ) {
    super(message);
    this.name = "AwsChunkedError";
  }
}

const EMPTY_SHA256 = sha256Hex("");
const MAX_LINE = 4096;

type State = "size-line" | "data" | "data-crlf" | "trailer-line" | "done";

/** A Transform from an aws-chunked body to the decoded bytes; {@link trailers} is filled at the end. */
export class AwsChunkedDecoder extends Transform {
  /** Trailing headers by lower-case name (without the trailer signature). */
  readonly trailers = new Map<string, string>();
  private state: State = "size-line";
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private decoded = 0;
  private chunkHash: Hash | undefined;
  private chunkSignature: string | undefined;
  private previousSignature: string;
  private canonicalTrailers = "";
  private trailerSignature: string | undefined;

  constructor(private readonly options: AwsChunkedOptions = {}) {
    super();
    this.previousSignature = options.signer?.seedSignature ?? "";
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      // Tolerate a body that ends right after the last chunk without the closing empty line.
      if (this.state === "trailer-line" && this.lineLength === 0) this.finishTrailers();
      if (this.state !== "done")
        throw new AwsChunkedError("length", "The aws-chunked body ended before its final chunk");
      const expected = this.options.decodedLength;
      if (expected !== undefined && this.decoded !== expected) {
        throw new AwsChunkedError(
          "length",
          `The decoded body has ${this.decoded} bytes, but x-amz-decoded-content-length says ${expected}`,
        );
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private consume(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case "size-line":
        case "trailer-line": {
          const nl = buf.indexOf(0x0a, i);
          const end = nl < 0 ? buf.length : nl + 1;
          this.line.push(buf.subarray(i, end));
          this.lineLength += end - i;
          if (this.lineLength > MAX_LINE)
            throw new AwsChunkedError("format", "An aws-chunked header line is too long");
          i = end;
          if (nl >= 0) {
            const text = Buffer.concat(this.line)
              .toString("latin1")
              .replace(/\r?\n$/, "");
            this.line = [];
            this.lineLength = 0;
            if (this.state === "size-line") this.onSizeLine(text);
            else this.onTrailerLine(text);
          }
          break;
        }
        case "data": {
          const n = Math.min(this.remaining, buf.length - i);
          const piece = buf.subarray(i, i + n);
          this.chunkHash?.update(piece);
          this.decoded += n;
          this.remaining -= n;
          i += n;
          this.push(piece);
          if (this.remaining === 0) {
            this.state = "data-crlf";
            this.crlfSeen = 0;
          }
          break;
        }
        case "data-crlf": {
          if (buf[i] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) {
            throw new AwsChunkedError(
              "format",
              "An aws-chunked chunk is not followed by CRLF (wrong chunk size?)",
            );
          }
          i++;
          if (++this.crlfSeen === 2) {
            this.verifyChunk(this.chunkHash?.digest("hex") ?? EMPTY_SHA256);
            this.state = "size-line";
          }
          break;
        }
        case "done": {
          if (buf.subarray(i).toString("latin1").trim() !== "") {
            throw new AwsChunkedError("format", "Data follows the end of the aws-chunked body");
          }
          i = buf.length;
        }
      }
    }
  }

  private onSizeLine(line: string): void {
    const [sizeText = "", ...extensions] = line.split(";");
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText.trim())) {
      throw new AwsChunkedError("format", `Malformed aws-chunked chunk header '${line.slice(0, 80)}'`);
    }
    const size = parseInt(sizeText.trim(), 16);
    this.chunkSignature = undefined;
    for (const ext of extensions) {
      const eq = ext.indexOf("=");
      if (eq > 0 && ext.slice(0, eq).trim() === "chunk-signature")
        this.chunkSignature = ext.slice(eq + 1).trim();
    }
    if (this.options.signer && this.chunkSignature === undefined) {
      throw new AwsChunkedError("signature", "A chunk of a signed aws-chunked body has no chunk-signature");
    }
    if (size === 0) {
      this.verifyChunk(EMPTY_SHA256);
      this.state = "trailer-line";
      return;
    }
    this.remaining = size;
    this.chunkHash = this.options.signer ? createHash("sha256") : undefined;
    this.state = "data";
  }

  private verifyChunk(dataSha256: string): void {
    const signer = this.options.signer;
    if (!signer) return;
    const stringToSign = [
      "AWS4-HMAC-SHA256-PAYLOAD",
      signer.amzDate,
      signer.scope,
      this.previousSignature,
      EMPTY_SHA256,
      dataSha256,
    ].join("\n");
    this.previousSignature = this.checkSignature(signer, stringToSign, this.chunkSignature, "chunk");
  }

  private onTrailerLine(line: string): void {
    if (line.trim() === "") return this.finishTrailers();
    const colon = line.indexOf(":");
    if (colon <= 0) throw new AwsChunkedError("format", `Malformed trailing header '${line.slice(0, 80)}'`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      this.trailerSignature = value;
      return;
    }
    if (!(this.options.trailerNames ?? []).includes(name)) {
      throw new AwsChunkedError("format", `The trailing header '${name}' was not declared in x-amz-trailer`);
    }
    this.trailers.set(name, value);
    this.canonicalTrailers += `${name}:${value}\n`;
  }

  private finishTrailers(): void {
    for (const name of this.options.trailerNames ?? []) {
      if (!this.trailers.has(name)) {
        throw new AwsChunkedError(
          "format",
          `The trailing header '${name}' declared in x-amz-trailer was not sent`,
        );
      }
    }
    const signer = this.options.signer;
    if (signer && this.options.signedTrailer) {
      const stringToSign = [
        "AWS4-HMAC-SHA256-TRAILER",
        signer.amzDate,
        signer.scope,
        this.previousSignature,
        sha256Hex(this.canonicalTrailers),
      ].join("\n");
      this.checkSignature(signer, stringToSign, this.trailerSignature, "trailer");
    }
    this.state = "done";
  }

  private checkSignature(
    signer: ChunkSigner,
    stringToSign: string,
    sent: string | undefined,
    what: string,
  ): string {
    const expected = hmac(signer.signingKey, stringToSign).toString("hex");
    const given = Buffer.from((sent ?? "").toLowerCase(), "latin1");
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, "latin1"))) {
      throw new AwsChunkedError(
        "signature",
        `The ${what} signature we calculated does not match the signature you provided. Check your key and signing method.`,
      );
    }
    return expected;
  }
}
