import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../core/index.js";
import { createFsBlobStore, type BlobStore } from "../../platform/blobs/index.js";
import { openStore, type Store } from "../../platform/store/index.js";
import { createS3Service, type S3Service } from "./service.js";

describe("sweepOrphanBlobs", () => {
  let dir: string;
  let store: Store;
  let blobs: BlobStore;
  let s3: S3Service;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pipewright-sweep-"));
    store = await openStore({ sqlitePath: path.join(dir, "db.sqlite") });
    blobs = createFsBlobStore({ root: path.join(dir, "blobs"), fsync: false });
    s3 = createS3Service({
      store,
      blobs,
      accountId: "000000000000",
      region: "us-east-1",
      now: () => Date.now(),
      logger: createLogger({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = async () => {
    const out: string[] = [];
    for await (const blob of blobs.list()) out.push(blob.id);
    return out.sort();
  };
  const body = (text: string) => ({
    stream: Readable.from([Buffer.from(text)]),
    digests: [],
    verify: () => undefined,
  });

  it("deletes unreferenced blobs stored before the cut-off and keeps objects, parts and newer blobs", async () => {
    const caller = { accountId: "000000000000", arn: "arn:aws:iam::000000000000:root" };
    await s3.createBucket(caller, { bucket: "sweep" });
    await s3.putObject({ bucket: "sweep", key: "kept", body: body("object"), headers: {}, metadata: {} });
    const uploadId = await s3.createMultipartUpload(caller, {
      bucket: "sweep",
      key: "mp",
      headers: {},
      metadata: {},
    });
    await s3.uploadPart({ bucket: "sweep", key: "mp", uploadId, partNumber: 1, body: body("part") });
    const orphan = await blobs.put(Readable.from([Buffer.from("orphan")]));
    const referenced = (await ids()).filter((id) => id !== orphan.id);
    expect(referenced).toHaveLength(2);
    // Everything so far was stored an hour ago, long before the cut-off.
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const id of await ids()) utimesSync(path.join(dir, "blobs", id.slice(0, 2), id), hourAgo, hourAgo);

    const cutoff = Date.now() - 60_000;
    const fresh = await blobs.put(Readable.from([Buffer.from("written after the cut-off")]));
    expect(await s3.sweepOrphanBlobs(cutoff)).toBe(1);
    expect(await ids()).toEqual([...referenced, fresh.id].sort());
  });
});
