import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../core/index.js";
import { createFsBlobStore } from "../../platform/blobs/index.js";
import { openStore, type Store } from "../../platform/store/index.js";
import { compareKeys } from "./names.js";
import { createS3Service, type S3Service } from "./service.js";

const KEYS = [
  "a",
  "a/",
  "a/b",
  "a/b/c",
  "a/c",
  "a-b",
  "b/x/y",
  "b/z",
  "c",
  "c/d",
  "é/1",
  "é/2",
  "日本/語",
  "z",
];

/** What a listing must return, worked out the slow and obvious way. */
function reference(keys: string[], prefix: string, delimiter: string | undefined) {
  const out: Array<{ entry: string; prefix: boolean }> = [];
  for (const key of [...keys].sort(compareKeys)) {
    if (!key.startsWith(prefix)) continue;
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry = at >= 0 ? key.slice(0, at + delimiter!.length) : key;
    if (at >= 0 && out.at(-1)?.entry === entry) continue;
    out.push({ entry, prefix: at >= 0 });
  }
  return out;
}

describe("listObjects", () => {
  let dir: string;
  let store: Store;
  let s3: S3Service;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "pipewright-listing-"));
    store = await openStore({ sqlitePath: path.join(dir, "db.sqlite") });
    s3 = createS3Service({
      store,
      blobs: createFsBlobStore({ root: path.join(dir, "blobs"), fsync: false }),
      accountId: "000000000000",
      region: "us-east-1",
      now: () => Date.now(),
      logger: createLogger({ level: "silent" }),
    });
    await s3.createBucket(
      { accountId: "000000000000", arn: "arn:aws:iam::000000000000:root" },
      { bucket: "keys" },
    );
    for (const key of KEYS) {
      await s3.putObject({
        bucket: "keys",
        key,
        body: { stream: Readable.from([Buffer.from(key)]), digests: [], verify: () => undefined },
        headers: {},
        metadata: {},
      });
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["", undefined],
    ["", "/"],
    ["a", "/"],
    ["a/", "/"],
    ["b/", "/"],
    ["", "b"],
    ["", "é"],
    ["", "本"],
    ["é", undefined],
  ])("pages of every size agree with the reference (prefix %j, delimiter %j)", async (prefix, delimiter) => {
    const expected = reference(KEYS, prefix, delimiter);
    for (let maxKeys = 1; maxKeys <= expected.length + 1; maxKeys++) {
      const seen: Array<{ entry: string; prefix: boolean }> = [];
      let after: string | undefined;
      for (let page = 0; page < 50; page++) {
        const out = await s3.listObjects({ bucket: "keys", prefix, delimiter, maxKeys, after });
        expect(out.objects.length + out.commonPrefixes.length).toBeLessThanOrEqual(maxKeys);
        const entries = [
          ...out.objects.map((o) => ({ entry: o.key, prefix: false })),
          ...out.commonPrefixes.map((p) => ({ entry: p, prefix: true })),
        ].sort((x, y) => compareKeys(x.entry, y.entry));
        seen.push(...entries);
        if (!out.isTruncated) break;
        after = out.last;
      }
      expect(seen, `maxKeys ${maxKeys}`).toEqual(expected);
    }
  });
});
