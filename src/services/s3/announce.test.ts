import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, openTestStore, tempDir } from "../../../test/support/stores.js";
import { createLogger } from "../../core/index.js";
import { createFsBlobStore } from "../../platform/blobs/index.js";
import { createBus } from "../../platform/bus/index.js";
import type { Store } from "../../platform/store/index.js";
import { OBJECT_CREATED, OBJECT_CREATED_SOURCE } from "./announce.js";
import { createS3Service, type S3Service } from "./service.js";

const CALLER = { accountId: "000000000000", arn: "arn:aws:iam::000000000000:root" };
const body = (text: string) => ({
  stream: Readable.from([Buffer.from(text)]),
  digests: [],
  verify: () => undefined,
});

describe.each(dialects())("object creations on the bus, on %s", (dialect) => {
  let store: Store;
  let s3: S3Service;
  const cleanup: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    const t = await openTestStore(dialect);
    const blobs = tempDir("pipewright-announce-");
    cleanup.push(t.cleanup, blobs.remove);
    store = t.store;
    s3 = createS3Service({
      store,
      blobs: createFsBlobStore({ root: path.join(blobs.dir, "blobs"), fsync: false }),
      bus: createBus({ store }),
      accountId: "000000000000",
      region: "us-east-1",
      now: () => Date.now(),
      logger: createLogger({ level: "silent" }),
      minPartSize: 1,
    });
    await s3.createBucket(CALLER, { bucket: "src" });
  });
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  /** The object-created events in the outbox, oldest first. */
  const announced = async () =>
    (
      await store.db
        .selectFrom("events")
        .selectAll()
        .where("source", "=", OBJECT_CREATED_SOURCE)
        .orderBy("seq")
        .execute()
    ).map((e) => ({ detailType: e.detail_type, detail: JSON.parse(e.detail) as Record<string, unknown> }));

  it("records PutObject, CopyObject and CompleteMultipartUpload with the object's key and ETag", async () => {
    const put = await s3.putObject({
      bucket: "src",
      key: "a/b.zip",
      body: body("one"),
      headers: {},
      metadata: {},
    });
    const copy = await s3.copyObject({
      source: { bucket: "src", key: "a/b.zip" },
      bucket: "src",
      key: "c.zip",
      metadataDirective: "COPY",
      attributes: { headers: {}, metadata: {} },
      sourceConditions: {},
    });
    const uploadId = await s3.createMultipartUpload(CALLER, {
      bucket: "src",
      key: "m.zip",
      headers: {},
      metadata: {},
    });
    const part = await s3.uploadPart({
      bucket: "src",
      key: "m.zip",
      uploadId,
      partNumber: 1,
      body: body("parts"),
    });
    const done = await s3.completeMultipartUpload({
      bucket: "src",
      key: "m.zip",
      uploadId,
      parts: [{ partNumber: 1, etag: part.etag }],
    });
    const bare = (etag: string) => etag.replace(/"/g, "");
    expect(await announced()).toEqual([
      {
        detailType: OBJECT_CREATED,
        detail: {
          version: "0",
          bucket: { name: "src" },
          object: { key: "a/b.zip", size: 3, etag: bare(put.etag), "version-id": "null" },
          reason: "PutObject",
        },
      },
      expect.objectContaining({
        detail: expect.objectContaining({
          object: expect.objectContaining({ key: "c.zip", etag: bare(copy.etag) }),
          reason: "CopyObject",
        }),
      }),
      expect.objectContaining({
        detail: expect.objectContaining({
          object: expect.objectContaining({ key: "m.zip", size: 5, etag: bare(done.etag) }),
          reason: "CompleteMultipartUpload",
        }),
      }),
    ]);
  });

  it("records nothing for a write that does not commit", async () => {
    const before = (await announced()).length;
    await expect(
      s3.putObject({
        bucket: "src",
        key: "a/b.zip",
        body: body("two"),
        headers: {},
        metadata: {},
        conditions: { ifNoneMatch: "*" },
      }),
    ).rejects.toMatchObject({ code: "PreconditionFailed" });
    await expect(
      s3.putObject({ bucket: "missing", key: "x", body: body("x"), headers: {}, metadata: {} }),
    ).rejects.toMatchObject({ code: "NoSuchBucket" });
    expect((await announced()).length).toBe(before);
  });
});
