import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer } from "../support/server.js";
import { tempDir } from "../support/stores.js";
import { blobFiles, eventually, expectCleanBlobDir } from "./s3-support.js";

describe("S3 after a crash", () => {
  const data = tempDir("pipewright-s3-restart-");
  afterAll(() => data.remove());

  it("removes unfinished uploads and orphaned blobs on start and keeps every object", async () => {
    const first = await startTestServer({ config: { dataDir: data.dir } });
    const s3 = new S3Client(first.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "survivor" }));
    await s3.send(new PutObjectCommand({ Bucket: "survivor", Key: "kept.txt", Body: "still here" }));
    s3.destroy();
    await first.stop();

    // What a process killed mid-write leaves: a temporary file and a blob whose row never committed.
    const blobs = path.join(data.dir, "blobs");
    writeFileSync(path.join(blobs, "tmp", "0123456789abcdef0123456789abcdef.tmp"), "half an upload");
    mkdirSync(path.join(blobs, "ff"), { recursive: true });
    writeFileSync(path.join(blobs, "ff", "ff0123456789abcdef0123456789abcd"), "never committed");
    const files = blobFiles({ dataDir: data.dir } as never);
    expect(files).toHaveLength(3);
    // As if the crash was an hour ago: the committed blob must survive the sweep as well.
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const file of files) utimesSync(path.join(blobs, file), hourAgo, hourAgo);

    const second = await startTestServer({ config: { dataDir: data.dir } });
    try {
      // startTestServer reports its own scratch directory; this server runs on `data.dir`.
      await eventually(() => expectCleanBlobDir({ ...second, dataDir: data.dir }));
      const again = new S3Client(second.clientConfig);
      const got = await again.send(new GetObjectCommand({ Bucket: "survivor", Key: "kept.txt" }));
      expect(await got.Body!.transformToString()).toBe("still here");
      again.destroy();
    } finally {
      await second.stop();
    }
  });
});
