import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BlobNotFoundError,
  BlobTooLargeError,
  createFsBlobStore,
  digestOf,
  type BlobStore,
} from "./index.js";

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe("fs blob store", () => {
  let root: string;
  let blobs: BlobStore;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "pipewright-blobs-"));
    blobs = createFsBlobStore({ root, fsync: false });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("stores bytes under a random id with their MD5 and asked-for digests, and reads ranges back", async () => {
    const data = Buffer.from("hello, blob store");
    const blob = await blobs.put(Readable.from([data.subarray(0, 5), data.subarray(5)]), {
      digests: ["sha256", "crc32"],
    });
    expect(blob.id).toMatch(/^[0-9a-f]{32}$/);
    expect(blob.size).toBe(data.length);
    expect(blob.md5.toString("hex")).toBe(createHash("md5").update(data).digest("hex"));
    expect(blob.digests.sha256?.toString("hex")).toBe(createHash("sha256").update(data).digest("hex"));
    expect(blob.digests.crc32).toEqual(digestOf("crc32", data));
    expect(await readAll(await blobs.open(blob.id))).toEqual(data);
    expect((await readAll(await blobs.open(blob.id, { start: 7, end: 10 }))).toString()).toBe("blob");
    expect(filesUnder(root)).toEqual([path.join(root, blob.id.slice(0, 2), blob.id)]);
  });

  it("discards the blob when verify throws, leaving no file", async () => {
    await expect(
      blobs.put(Readable.from([Buffer.from("x")]), {
        verify: () => {
          throw new Error("bad digest");
        },
      }),
    ).rejects.toThrow("bad digest");
    expect(filesUnder(root)).toEqual([]);
  });

  it("stops a source larger than maxSize and removes the partial file", async () => {
    const source = Readable.from([Buffer.alloc(10), Buffer.alloc(10)]);
    await expect(blobs.put(source, { maxSize: 15 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(filesUnder(root)).toEqual([]);
  });

  it("removes the temporary file when the source fails halfway", async () => {
    const source = new Readable({ read() {} });
    const put = blobs.put(source);
    source.push(Buffer.alloc(1000));
    setTimeout(() => source.destroy(new Error("client went away")), 10);
    await expect(put).rejects.toThrow("client went away");
    expect(filesUnder(root)).toEqual([]);
    // The failed write's digest job was dropped; the next write's digests are its own.
    const again = await blobs.put(Readable.from([Buffer.from("after")]));
    expect(again.md5.toString("hex")).toBe(createHash("md5").update("after").digest("hex"));
  });

  it("leaves no file when the source fails before the file is even open", async () => {
    // A request refused at its first chunk (a bad chunk signature) fails the source at once,
    // while the temporary file may still be being created; it must not appear afterwards.
    // pipeline() rejects as soon as the source fails, before the sink has opened its file; the
    // removal and the open then race on libuv's threads, so the case is repeated.
    for (let i = 0; i < 200; i++) {
      const source = new Readable({ read() {} });
      const put = blobs.put(source);
      source.destroy(new Error("bad chunk signature"));
      await expect(put).rejects.toThrow("bad chunk signature");
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(filesUnder(root)).toEqual([]);
  });

  it("concatenates blobs in order with the asked-for digests, and fails whole on a missing part", async () => {
    // Sizes around the 1 MiB copy buffer, so that reads straddle parts and buffers.
    const parts = [1024 * 1024 + 3, 17, 2 * 1024 * 1024, 0, 5].map((n, i) => Buffer.alloc(n, i + 1));
    const ids = [];
    for (const part of parts) ids.push((await blobs.put(Readable.from([part]))).id);
    const whole = Buffer.concat(parts);
    const blob = await blobs.concat(ids, { digests: ["crc32"] });
    expect(blob.size).toBe(whole.length);
    expect(blob.digests.crc32).toEqual(digestOf("crc32", whole));
    expect((await readAll(await blobs.open(blob.id))).equals(whole)).toBe(true);
    await blobs.delete(ids[1]!);
    await expect(blobs.concat(ids)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(readdirSync(path.join(root, "tmp"))).toEqual([]);
  });

  it("hashes a large body on a digest thread with the same results", async () => {
    const data = Buffer.alloc(9 * 1024 * 1024 + 123);
    for (let i = 0; i < data.length; i += 4096) data[i] = i % 251;
    const chunks = [];
    for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536));
    const blob = await blobs.put(Readable.from(chunks), { digests: ["sha256", "crc32", "crc32c"] });
    expect(blob.md5.toString("hex")).toBe(createHash("md5").update(data).digest("hex"));
    expect(blob.digests.sha256?.toString("hex")).toBe(createHash("sha256").update(data).digest("hex"));
    expect(blob.digests.crc32).toEqual(digestOf("crc32", data));
    expect(blob.digests.crc32c).toEqual(digestOf("crc32c", data));
    expect((await readAll(await blobs.open(blob.id))).equals(data)).toBe(true);
  });

  it("copies, lists and deletes; a deleted or malformed id is not found", async () => {
    const a = await blobs.put(Readable.from([Buffer.from("abc")]));
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    utimesSync(path.join(root, a.id.slice(0, 2), a.id), hourAgo, hourAgo);
    const b = await blobs.copy(a.id);
    expect(b).not.toBe(a.id);
    await blobs.delete(a.id);
    expect((await readAll(await blobs.open(b))).toString()).toBe("abc");
    const listed = [];
    for await (const blob of blobs.list()) listed.push(blob);
    expect(listed.map((l) => l.id)).toEqual([b]);
    expect(listed[0]!.storedAt).toBeGreaterThan(Date.now() - 60_000);
    await expect(blobs.open(a.id)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(blobs.open("../../etc/passwd")).rejects.toBeInstanceOf(BlobNotFoundError);
    await blobs.delete("../outside");
  });

  it("an open read survives a delete of the blob", async () => {
    const blob = await blobs.put(Readable.from([Buffer.alloc(100_000, 7)]));
    const stream = await blobs.open(blob.id);
    await blobs.delete(blob.id);
    expect((await readAll(stream)).length).toBe(100_000);
  });

  it("discards every temporary on open when asked to", () => {
    writeFileSync(path.join(root, "tmp", "left.tmp"), "x");
    createFsBlobStore({ root, discardTemporariesOnOpen: true });
    expect(filesUnder(root)).toEqual([]);
  });

  it("cleans only temporaries older than the cutoff", async () => {
    const old = path.join(root, "tmp", "old.tmp");
    const fresh = path.join(root, "tmp", "fresh.tmp");
    writeFileSync(old, "x");
    writeFileSync(fresh, "y");
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    utimesSync(old, hourAgo, hourAgo);
    expect(await blobs.cleanTemporaries(60_000)).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });
});

describe("digests", () => {
  const check = Buffer.from("123456789");
  it("match the standard check values", () => {
    expect(digestOf("crc32", check).toString("hex")).toBe("cbf43926");
    expect(digestOf("crc32c", check).toString("hex")).toBe("e3069283");
    expect(digestOf("crc64nvme", check).toString("hex")).toBe("ae8b14860a799888");
    expect(digestOf("sha1", check).toString("hex")).toBe("f7c3bc1d808e04732adf679965ccc34ca7ae3441");
  });
});
