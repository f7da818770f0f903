import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { deriveSigningKey, hmac, sha256Hex } from "../sigv4.js";
import { AwsChunkedDecoder, AwsChunkedError, type AwsChunkedOptions } from "./chunked.js";

async function decode(parts: Array<string | Buffer>, options: AwsChunkedOptions) {
  const decoder = new AwsChunkedDecoder(options);
  const chunks: Buffer[] = [];
  // Feed the body in odd-sized pieces so headers and CRLFs straddle reads.
  const whole = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p)));
  const pieces: Buffer[] = [];
  for (let i = 0; i < whole.length; i += 61) pieces.push(whole.subarray(i, i + 61));
  for await (const chunk of Readable.from(pieces).pipe(decoder)) chunks.push(chunk as Buffer);
  return { data: Buffer.concat(chunks), trailers: decoder.trailers };
}

// The example of AWS's "Signature Calculations for the Authorization Header: Transferring Payload
// in Multiple Chunks": 66560 bytes of 'a' in a 64 KiB chunk and a 1 KiB chunk.
const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const signer = {
  signingKey: deriveSigningKey(secret, "20130524", "us-east-1", "s3"),
  amzDate: "20130524T000000Z",
  scope: "20130524/us-east-1/s3/aws4_request",
  seedSignature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
};
const awsExample = [
  "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n",
  Buffer.alloc(65536, "a"),
  "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n",
  Buffer.alloc(1024, "a"),
  "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n",
];

describe("aws-chunked decoder", () => {
  it("verifies AWS's documented signed example", async () => {
    const { data } = await decode(awsExample, { signer, decodedLength: 66560 });
    expect(data).toEqual(Buffer.alloc(66560, "a"));
  });

  it("refuses a chunk whose data was altered", async () => {
    const tampered = [...awsExample];
    tampered[3] = Buffer.alloc(1024, "b");
    await expect(decode(tampered, { signer })).rejects.toMatchObject({ reason: "signature" });
  });

  it("refuses a wrong decoded length and a truncated body", async () => {
    await expect(decode(awsExample, { signer, decodedLength: 5 })).rejects.toMatchObject({
      reason: "length",
    });
    await expect(decode(awsExample.slice(0, 3), { signer })).rejects.toBeInstanceOf(AwsChunkedError);
  });

  it("decodes unsigned chunks with a declared trailer", async () => {
    const body = ["5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"];
    const { data, trailers } = await decode(body, { trailerNames: ["x-amz-checksum-crc32"] });
    expect(data.toString()).toBe("hello world");
    expect(trailers.get("x-amz-checksum-crc32")).toBe("DUoRhQ==");
    await expect(decode(body, { trailerNames: [] })).rejects.toMatchObject({ reason: "format" });
    await expect(
      decode(["5\r\nhello\r\n0\r\n\r\n"], { trailerNames: ["x-amz-checksum-crc32"] }),
    ).rejects.toThrow(/was not sent/);
  });

  it("verifies the trailer signature of a signed body with trailers", async () => {
    const chunkSig = (prev: string, data: string) =>
      hmac(
        signer.signingKey,
        ["AWS4-HMAC-SHA256-PAYLOAD", signer.amzDate, signer.scope, prev, sha256Hex(""), sha256Hex(data)].join(
          "\n",
        ),
      ).toString("hex");
    const s1 = chunkSig(signer.seedSignature, "hello");
    const s2 = chunkSig(s1, "");
    const trailer = "x-amz-checksum-crc32:NhCmhg==";
    const trailerSig = hmac(
      signer.signingKey,
      ["AWS4-HMAC-SHA256-TRAILER", signer.amzDate, signer.scope, s2, sha256Hex(`${trailer}\n`)].join("\n"),
    ).toString("hex");
    const body = (sig: string) => [
      `5;chunk-signature=${s1}\r\nhello\r\n0;chunk-signature=${s2}\r\n${trailer}\r\nx-amz-trailer-signature:${sig}\r\n\r\n`,
    ];
    const options = { signer, signedTrailer: true, trailerNames: ["x-amz-checksum-crc32"] };
    expect((await decode(body(trailerSig), options)).data.toString()).toBe("hello");
    await expect(decode(body("0".repeat(64)), options)).rejects.toMatchObject({ reason: "signature" });
  });
});
