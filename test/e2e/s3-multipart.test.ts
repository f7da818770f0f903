import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";
import { expectCleanBlobDir, sha256 } from "./s3-support.js";

const MiB = 1024 * 1024;
const RANDOM_MIB = randomBytes(MiB);

describe.each(dialects())(
  "S3 uploads through the JavaScript SDK: keys, checksums, multipart (%s)",
  (dialect) => {
    let server: TestServer;
    let s3: S3Client;
    beforeAll(async () => {
      server = await startTestServer({ dialect });
      s3 = new S3Client(server.clientConfig);
      await s3.send(new CreateBucketCommand({ Bucket: "alpha" }));
      await s3.send(
        new PutObjectCommand({ Bucket: "alpha", Key: "docs/readme.txt", Body: "0123456789abcdefghij" }),
      );
    });
    afterAll(async () => {
      s3.destroy();
      await server.stop();
    });

    const get = async (Bucket: string, Key: string, extra: Record<string, unknown> = {}) => {
      const out = await s3.send(new GetObjectCommand({ Bucket, Key, ...extra }));
      return { out, body: Buffer.from(await out.Body!.transformToByteArray()) };
    };

    it("stores flexible checksums sent as headers and as aws-chunked trailers", async () => {
      for (const ChecksumAlgorithm of ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"] as const) {
        const data = randomBytes(70_000);
        // A stream body makes the SDK send aws-chunked with the checksum as a trailer.
        const put = await s3.send(
          new PutObjectCommand({
            Bucket: "alpha",
            Key: `sum-${ChecksumAlgorithm}`,
            Body: Readable.from([data]),
            ContentLength: data.length,
            ChecksumAlgorithm,
          }),
        );
        const field = `Checksum${ChecksumAlgorithm}` as const;
        expect(put[field], ChecksumAlgorithm).toBeDefined();
        const { out, body } = await get("alpha", `sum-${ChecksumAlgorithm}`, { ChecksumMode: "ENABLED" });
        expect(body).toEqual(data);
        expect(out[field]).toBe(put[field]);
        const head = await s3.send(
          new HeadObjectCommand({
            Bucket: "alpha",
            Key: `sum-${ChecksumAlgorithm}`,
            ChecksumMode: "ENABLED",
          }),
        );
        expect(head[field]).toBe(put[field]);
      }
      const wrong = await s3
        .send(
          new PutObjectCommand({ Bucket: "alpha", Key: "wrong-sum", Body: "abc", ChecksumCRC32: "AAAAAA==" }),
        )
        .catch((err: unknown) => err);
      expect(wrong).toMatchObject({ name: "BadDigest" });
      await expect(
        s3.send(new HeadObjectCommand({ Bucket: "alpha", Key: "wrong-sum" })),
      ).rejects.toMatchObject({ name: "NotFound" });
    });

    it("streams a 100 MiB PutObject and GetObject with flat memory", async () => {
      const size = 100 * MiB;
      const expected = createHash("sha256");
      for await (const c of mebibytes(size)) expected.update(c as Buffer);
      const before = memory();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, memory())), 10);
      try {
        // A stream body goes out as aws-chunked with a CRC32 trailer, verified while it is stored.
        const put = await s3.send(
          new PutObjectCommand({
            Bucket: "alpha",
            Key: "big.bin",
            Body: mebibytes(size),
            ContentLength: size,
          }),
        );
        expect(put.ChecksumCRC32).toBeDefined();
        const out = await s3.send(new GetObjectCommand({ Bucket: "alpha", Key: "big.bin" }));
        expect(out.ContentLength).toBe(size);
        const actual = createHash("sha256");
        for await (const c of out.Body as Readable) actual.update(c as Buffer);
        expect(actual.digest("hex")).toBe(expected.digest("hex"));
      } finally {
        clearInterval(sampler);
      }
      // Client and server share this process: holding the object anywhere would add 100 MiB.
      expect((peak - before) / MiB).toBeLessThan(64);
    });

    it("uploads with lib-storage's multipart Upload and reads it back", async () => {
      const size = 23 * MiB;
      const expected = createHash("sha256");
      for await (const c of mebibytes(size)) expected.update(c as Buffer);
      const upload = new Upload({
        client: s3,
        params: { Bucket: "alpha", Key: "multi.bin", Body: mebibytes(size) },
        partSize: 5 * MiB,
        queueSize: 2,
      });
      const done = await upload.done();
      expect(done.ETag).toMatch(/^"[0-9a-f]{32}-5"$/);
      const out = await s3.send(new GetObjectCommand({ Bucket: "alpha", Key: "multi.bin" }));
      expect(out.ContentLength).toBe(size);
      const actual = createHash("sha256");
      for await (const c of out.Body as Readable) actual.update(c as Buffer);
      expect(actual.digest("hex")).toBe(expected.digest("hex"));
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: "alpha" }));
      expect(uploads.Uploads ?? []).toEqual([]);
      await expectCleanBlobDir(server);
    });

    it("runs the multipart API by hand: parts, copies, listings, errors, abort", async () => {
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({
          Bucket: "alpha",
          Key: "mp",
          ContentType: "app/x",
          Metadata: { m: "1" },
        }),
      );
      const p1 = Buffer.alloc(5 * MiB, 1);
      const e1 = await s3.send(
        new UploadPartCommand({ Bucket: "alpha", Key: "mp", UploadId, PartNumber: 1, Body: p1 }),
      );
      const e2 = await s3.send(
        new UploadPartCopyCommand({
          Bucket: "alpha",
          Key: "mp",
          UploadId,
          PartNumber: 2,
          CopySource: "alpha/docs/readme.txt",
          CopySourceRange: "bytes=0-9",
        }),
      );
      const parts = await s3.send(new ListPartsCommand({ Bucket: "alpha", Key: "mp", UploadId }));
      expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
        [1, 5 * MiB],
        [2, 10],
      ]);
      const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: "alpha" }));
      expect(listed.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([["mp", UploadId]]);

      const complete = (Parts: Array<{ PartNumber: number; ETag?: string }>) =>
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: "alpha",
            Key: "mp",
            UploadId,
            MultipartUpload: { Parts },
          }),
        );
      await expect(
        complete([
          { PartNumber: 2, ETag: e2.CopyPartResult?.ETag },
          { PartNumber: 1, ETag: e1.ETag },
        ]),
      ).rejects.toMatchObject({ name: "InvalidPartOrder" });
      await expect(
        complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]),
      ).rejects.toMatchObject({ name: "InvalidPart" });
      await expect(complete([{ PartNumber: 3, ETag: e1.ETag }])).rejects.toMatchObject({
        name: "InvalidPart",
      });

      const small = await s3.send(new CreateMultipartUploadCommand({ Bucket: "alpha", Key: "small" }));
      const s1 = await s3.send(
        new UploadPartCommand({
          Bucket: "alpha",
          Key: "small",
          UploadId: small.UploadId,
          PartNumber: 1,
          Body: "tiny",
        }),
      );
      const s2 = await s3.send(
        new UploadPartCommand({
          Bucket: "alpha",
          Key: "small",
          UploadId: small.UploadId,
          PartNumber: 2,
          Body: "end",
        }),
      );
      await expect(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: "alpha",
            Key: "small",
            UploadId: small.UploadId,
            MultipartUpload: {
              Parts: [
                { PartNumber: 1, ETag: s1.ETag },
                { PartNumber: 2, ETag: s2.ETag },
              ],
            },
          }),
        ),
      ).rejects.toMatchObject({ name: "EntityTooSmall" });
      await s3.send(
        new AbortMultipartUploadCommand({ Bucket: "alpha", Key: "small", UploadId: small.UploadId }),
      );
      await expect(
        s3.send(new ListPartsCommand({ Bucket: "alpha", Key: "small", UploadId: small.UploadId })),
      ).rejects.toMatchObject({ name: "NoSuchUpload" });
      await expect(
        s3.send(
          new UploadPartCommand({ Bucket: "alpha", Key: "mp", UploadId, PartNumber: 10001, Body: "x" }),
        ),
      ).rejects.toMatchObject({ name: "InvalidArgument" });

      const done = await complete([
        { PartNumber: 1, ETag: e1.ETag },
        { PartNumber: 2, ETag: e2.CopyPartResult?.ETag },
      ]);
      expect(done.ETag).toMatch(/-2"$/);
      const { out, body } = await get("alpha", "mp");
      expect(out).toMatchObject({
        ContentType: "app/x",
        Metadata: { m: "1" },
        ContentLength: 5 * MiB + 10,
        ETag: done.ETag,
      });
      expect(body.subarray(5 * MiB).toString()).toBe("0123456789");
      expect(sha256(body.subarray(0, 5 * MiB))).toBe(sha256(p1));
      await expect(complete([{ PartNumber: 1, ETag: e1.ETag }])).rejects.toMatchObject({
        name: "NoSuchUpload",
      });
      await expectCleanBlobDir(server);
    });
  },
);

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** `size` bytes as a stream of 1 MiB chunks that all differ, so a misplaced part changes the hash. */
function mebibytes(size: number): Readable {
  const chunk = Buffer.from(RANDOM_MIB);
  return Readable.from(
    (function* () {
      for (let i = 0; i < size / MiB; i++) {
        chunk.writeUInt32BE(i, 0);
        yield Buffer.from(chunk);
      }
    })(),
  );
}
