import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";

describe.each(dialects())("S3 through the JavaScript SDK (%s)", (dialect) => {
  let server: TestServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    s3 = new S3Client(server.clientConfig);
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  const get = async (Bucket: string, Key: string, extra: Record<string, unknown> = {}) => {
    const out = await s3.send(new GetObjectCommand({ Bucket, Key, ...extra }));
    return { out, body: Buffer.from(await out.Body!.transformToByteArray()) };
  };

  it("creates, finds, lists and deletes buckets", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "alpha" }));
    await s3.send(new CreateBucketCommand({ Bucket: "beta.1-x" }));
    await expect(s3.send(new CreateBucketCommand({ Bucket: "alpha" }))).rejects.toMatchObject({
      name: "BucketAlreadyOwnedByYou",
      $metadata: { httpStatusCode: 409 },
    });
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).toEqual(["alpha", "beta.1-x"]);
    expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    await s3.send(new HeadBucketCommand({ Bucket: "alpha" }));
    await expect(s3.send(new HeadBucketCommand({ Bucket: "nope-bucket" }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    expect(
      (await s3.send(new GetBucketLocationCommand({ Bucket: "alpha" }))).LocationConstraint,
    ).toBeUndefined();
    await s3.send(new PutObjectCommand({ Bucket: "beta.1-x", Key: "k", Body: "x" }));
    await expect(s3.send(new DeleteBucketCommand({ Bucket: "beta.1-x" }))).rejects.toMatchObject({
      name: "BucketNotEmpty",
      $metadata: { httpStatusCode: 409 },
    });
    await s3.send(new DeleteObjectCommand({ Bucket: "beta.1-x", Key: "k" }));
    await s3.send(new DeleteBucketCommand({ Bucket: "beta.1-x" }));
    await expect(s3.send(new DeleteBucketCommand({ Bucket: "beta.1-x" }))).rejects.toMatchObject({
      name: "NoSuchBucket",
    });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: "beta.1-x", Key: "k", Body: "x" })),
    ).rejects.toMatchObject({
      name: "NoSuchBucket",
    });
  });

  it("refuses bucket names S3 refuses, and Pipewright's reserved ones, with a reason", async () => {
    const bad = [
      "ab",
      "a".repeat(64),
      "Upper",
      "has_underscore",
      "-start",
      "end-",
      "a..b",
      "192.168.1.1",
      "xn--abc",
      "name-s3alias",
      "_console",
    ];
    for (const Bucket of bad) {
      await expect(s3.send(new CreateBucketCommand({ Bucket })), Bucket).rejects.toMatchObject({
        name: "InvalidBucketName",
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(s3.send(new CreateBucketCommand({ Bucket: "v1" }))).rejects.toThrow(/reserved.*git/);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(["alpha"]);
  });

  it("stores objects with metadata, content type and S3's ETag, and serves ranges", async () => {
    const body = Buffer.from("0123456789abcdefghij");
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: "alpha",
        Key: "docs/readme.txt",
        Body: body,
        ContentType: "text/plain",
        CacheControl: "max-age=60",
        Metadata: { owner: "team-a", "build-id": "42" },
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const { out, body: got } = await get("alpha", "docs/readme.txt");
    expect(got).toEqual(body);
    expect(out).toMatchObject({
      ContentType: "text/plain",
      CacheControl: "max-age=60",
      ContentLength: 20,
      ETag: put.ETag,
      Metadata: { owner: "team-a", "build-id": "42" },
    });
    expect(out.LastModified).toBeInstanceOf(Date);

    const part = await get("alpha", "docs/readme.txt", { Range: "bytes=5-9" });
    expect(part.body.toString()).toBe("56789");
    expect(part.out.ContentRange).toBe("bytes 5-9/20");
    expect(part.out.$metadata.httpStatusCode).toBe(206);
    expect((await get("alpha", "docs/readme.txt", { Range: "bytes=-3" })).body.toString()).toBe("hij");
    expect((await get("alpha", "docs/readme.txt", { Range: "bytes=18-" })).body.toString()).toBe("ij");
    await expect(get("alpha", "docs/readme.txt", { Range: "bytes=20-" })).rejects.toMatchObject({
      name: "InvalidRange",
      $metadata: { httpStatusCode: 416 },
    });

    const head = await s3.send(new HeadObjectCommand({ Bucket: "alpha", Key: "docs/readme.txt" }));
    expect(head.ContentLength).toBe(20);
    await expect(s3.send(new HeadObjectCommand({ Bucket: "alpha", Key: "missing" }))).rejects.toMatchObject({
      name: "NotFound",
      $metadata: { httpStatusCode: 404 },
    });
    await expect(get("alpha", "missing")).rejects.toMatchObject({ name: "NoSuchKey" });
  });

  it("honours conditional requests", async () => {
    const { ETag } = await s3.send(new HeadObjectCommand({ Bucket: "alpha", Key: "docs/readme.txt" }));
    await expect(get("alpha", "docs/readme.txt", { IfNoneMatch: ETag })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
    await expect(get("alpha", "docs/readme.txt", { IfMatch: '"0000"' })).rejects.toMatchObject({
      name: "PreconditionFailed",
      $metadata: { httpStatusCode: 412 },
    });
    await expect(
      get("alpha", "docs/readme.txt", { IfModifiedSince: new Date(Date.now() + 3_600_000) }),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    expect((await get("alpha", "docs/readme.txt", { IfMatch: ETag })).body.length).toBe(20);
    await expect(
      s3.send(
        new PutObjectCommand({ Bucket: "alpha", Key: "docs/readme.txt", Body: "new", IfNoneMatch: "*" }),
      ),
    ).rejects.toMatchObject({ name: "PreconditionFailed" });
    expect((await get("alpha", "docs/readme.txt")).body.length).toBe(20);
  });

  it("lists with prefixes, delimiters, pages, start-after and URL encoding", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "listing" }));
    // Listed in UTF-8 byte order, as S3 lists them: "é" (0xC3…) sorts after "z".
    const keys = ["a/1", "a/2", "a/b/3", "b/1", "c", "d e+f", "z", "é/x"];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: "listing", Key, Body: Key }));

    const all = await s3.send(new ListObjectsV2Command({ Bucket: "listing" }));
    expect(all.Contents?.map((c) => c.Key)).toEqual(keys);
    expect(all.KeyCount).toBe(keys.length);
    expect(all.Contents?.[0]).toMatchObject({ Size: 3, StorageClass: "STANDARD" });

    const top = await s3.send(new ListObjectsV2Command({ Bucket: "listing", Delimiter: "/" }));
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/", "b/", "é/"]);
    expect(top.Contents?.map((c) => c.Key)).toEqual(["c", "d e+f", "z"]);

    const underA = await s3.send(
      new ListObjectsV2Command({ Bucket: "listing", Prefix: "a/", Delimiter: "/" }),
    );
    expect(underA.Contents?.map((c) => c.Key)).toEqual(["a/1", "a/2"]);
    expect(underA.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/b/"]);

    // Pages of two, delimited: common prefixes count toward MaxKeys and are never repeated.
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: "listing", Delimiter: "/", MaxKeys: 2, ContinuationToken: token }),
      );
      seen.push(
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
        ...(page.Contents ?? []).map((c) => c.Key!),
      );
      expect((page.KeyCount ?? 0) <= 2).toBe(true);
      token = page.NextContinuationToken;
      if (page.IsTruncated) expect(token).toBeDefined();
    } while (token);
    expect(seen.sort()).toEqual(["a/", "b/", "c", "d e+f", "z", "é/"].sort());

    const after = await s3.send(new ListObjectsV2Command({ Bucket: "listing", StartAfter: "b/1" }));
    expect(after.Contents?.map((c) => c.Key)).toEqual(["c", "d e+f", "z", "é/x"]);

    const encoded = await s3.send(
      new ListObjectsV2Command({ Bucket: "listing", Prefix: "d", EncodingType: "url", FetchOwner: true }),
    );
    expect(encoded.Contents?.map((c) => c.Key)).toEqual(["d%20e%2Bf"]);
    expect(encoded.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);

    const v1: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await s3.send(new ListObjectsCommand({ Bucket: "listing", MaxKeys: 3, Marker: marker }));
      v1.push(...(page.Contents ?? []).map((c) => c.Key!));
      if (!page.IsTruncated) break;
      marker = page.NextMarker ?? page.Contents?.at(-1)?.Key;
    }
    expect(v1).toEqual(keys);
    await expect(s3.send(new ListObjectsV2Command({ Bucket: "no-such-bucket" }))).rejects.toMatchObject({
      name: "NoSuchBucket",
    });
  });

  it("copies objects, keeping or replacing metadata", async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: "alpha",
        Key: "src",
        Body: "copy me",
        ContentType: "text/x",
        Metadata: { a: "1" },
      }),
    );
    const copied = await s3.send(
      new CopyObjectCommand({ Bucket: "listing", Key: "dst", CopySource: "alpha/src" }),
    );
    expect(copied.CopyObjectResult?.ETag).toBe(`"${md5(Buffer.from("copy me"))}"`);
    const kept = await get("listing", "dst");
    expect(kept.body.toString()).toBe("copy me");
    expect(kept.out).toMatchObject({ ContentType: "text/x", Metadata: { a: "1" } });

    await s3.send(
      new CopyObjectCommand({
        Bucket: "alpha",
        Key: "src",
        CopySource: "alpha/src",
        MetadataDirective: "REPLACE",
        ContentType: "text/y",
        Metadata: { b: "2" },
      }),
    );
    expect((await get("alpha", "src")).out).toMatchObject({ ContentType: "text/y", Metadata: { b: "2" } });
    await expect(
      s3.send(new CopyObjectCommand({ Bucket: "alpha", Key: "src", CopySource: "alpha/src" })),
    ).rejects.toMatchObject({
      name: "InvalidRequest",
    });
    await expect(
      s3.send(
        new CopyObjectCommand({
          Bucket: "alpha",
          Key: "x",
          CopySource: "alpha/src",
          CopySourceIfMatch: '"nope"',
        }),
      ),
    ).rejects.toMatchObject({ name: "PreconditionFailed" });
    await expect(
      s3.send(new CopyObjectCommand({ Bucket: "alpha", Key: "x", CopySource: "alpha/none" })),
    ).rejects.toMatchObject({
      name: "NoSuchKey",
    });
  });

  it("deletes many objects at once, quietly or not", async () => {
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: "listing",
        Delete: { Objects: [{ Key: "a/1" }, { Key: "a/2" }, { Key: "never-existed" }] },
      }),
    );
    expect(out.Deleted?.map((d) => d.Key).sort()).toEqual(["a/1", "a/2", "never-existed"]);
    const quiet = await s3.send(
      new DeleteObjectsCommand({ Bucket: "listing", Delete: { Quiet: true, Objects: [{ Key: "b/1" }] } }),
    );
    expect(quiet.Deleted).toBeUndefined();
    const left = await s3.send(new ListObjectsV2Command({ Bucket: "listing", Prefix: "a/" }));
    expect(left.Contents?.map((c) => c.Key)).toEqual(["a/b/3"]);
  });
});

function md5(data: Buffer): string {
  return createHash("md5").update(data).digest("hex");
}
