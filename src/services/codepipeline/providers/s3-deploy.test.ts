import { deflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  actionRun,
  artifact,
  openS3Harness,
  PUBLIC_URL,
  rawZip,
  type RawEntry,
  type S3Harness,
} from "./fixtures/providers.fixture.js";
import { createProviders } from "./index.js";
import { ActionFailure, type ArtifactLocation, type SyncProvider } from "./types.js";

describe("Deploy / AWS / S3", () => {
  let h: S3Harness;
  let deploy: SyncProvider;
  let small: SyncProvider;
  let bucketCount = 0;

  beforeAll(async () => {
    h = await openS3Harness();
    await h.createBucket("artifacts");
    deploy = createProviders({ s3: h.s3, publicUrl: () => PUBLIC_URL, workDir: h.dir })["Deploy/AWS/S3"];
    // The same action with small limits, so bombs need not be gigabytes.
    small = createProviders({
      s3: h.s3,
      publicUrl: () => PUBLIC_URL,
      workDir: h.dir,
      zipLimits: { maxEntries: 50, maxEntryBytes: 1024 * 1024, maxTotalBytes: 2 * 1024 * 1024 },
    })["Deploy/AWS/S3"];
  });
  afterAll(() => h.close());

  /** A fresh target bucket, and an input artifact holding `zip`. */
  const setUp = async (zip: Buffer | string, metadata?: Record<string, string>) => {
    const bucket = `site-${++bucketCount}`;
    await h.createBucket(bucket);
    const input = artifact("BuildOutput", `Zip${bucketCount}`);
    await h.put(input.bucket, input.key, zip, metadata);
    return { bucket, input };
  };
  const run = (provider: SyncProvider, input: ArtifactLocation, configuration: Record<string, string>) =>
    provider.run(actionRun({ stageName: "Deploy", configuration, inputArtifacts: [input] }));
  const failure = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ActionFailure);
    return err as ActionFailure;
  };

  it("extracts every file under the ObjectKey prefix with its Content-Type and Cache-Control", async () => {
    const { bucket, input } = await setUp(
      rawZip([
        { name: "index.html", data: "<h1>hi</h1>" },
        { name: "assets/", data: "" },
        { name: "assets/app.js", data: "run()", method: 0 },
        { name: "assets/logo.svg", data: "<svg/>" },
        { name: "data.unknownext", data: "??" },
      ]),
    );
    const result = await run(deploy, input, {
      BucketName: bucket,
      Extract: "true",
      ObjectKey: "releases/v1/",
      CacheControl: "public, max-age=0, no-transform",
      KMSEncryptionKeyARN: "arn:aws:kms:us-east-1:111122223333:key/abc",
    });
    expect((await h.keys(bucket)).sort()).toEqual([
      "releases/v1/assets/app.js",
      "releases/v1/assets/logo.svg",
      "releases/v1/data.unknownext",
      "releases/v1/index.html",
    ]);
    expect((await h.get(bucket, "releases/v1/index.html")).toString()).toBe("<h1>hi</h1>");
    const html = (await h.s3.headObject({ bucket, key: "releases/v1/index.html" })).info;
    expect(html.contentType).toBe("text/html");
    expect(html.headers["cache-control"]).toBe("public, max-age=0, no-transform");
    expect((await h.s3.headObject({ bucket, key: "releases/v1/assets/app.js" })).info.contentType).toBe(
      "text/javascript",
    );
    expect((await h.s3.headObject({ bucket, key: "releases/v1/data.unknownext" })).info.contentType).toBe(
      "binary/octet-stream",
    );
    expect(result.summary).toBe(`Deployed 4 files from BuildOutput to s3://${bucket}/releases/v1/.`);
    expect(result.outputVariables).toBeUndefined();
  });

  it("extracts at the bucket's root without ObjectKey, leaving other objects alone", async () => {
    const { bucket, input } = await setUp(rawZip([{ name: "a.txt", data: "new a" }]));
    await h.put(bucket, "old.txt", "kept");
    await run(deploy, input, { BucketName: bucket, Extract: "TRUE" });
    expect((await h.keys(bucket)).sort()).toEqual(["a.txt", "old.txt"]);
    expect((await h.get(bucket, "a.txt")).toString()).toBe("new a");
  });

  it("stores the zip as one object with Extract=false", async () => {
    const zip = rawZip([{ name: "a.txt", data: "a" }]);
    const { bucket, input } = await setUp(zip);
    const result = await run(deploy, input, {
      BucketName: bucket,
      Extract: "false",
      ObjectKey: "archive/build.zip",
      CacheControl: "no-cache",
    });
    expect(await h.keys(bucket)).toEqual(["archive/build.zip"]);
    expect((await h.get(bucket, "archive/build.zip")).equals(zip)).toBe(true);
    const info = (await h.s3.headObject({ bucket, key: "archive/build.zip" })).info;
    expect(info.contentType).toBe("application/zip");
    expect(info.headers["cache-control"]).toBe("no-cache");
    expect(result.summary).toBe(`Stored input artifact BuildOutput as s3://${bucket}/archive/build.zip.`);
  });

  it("requires ObjectKey with Extract=false", async () => {
    const { bucket, input } = await setUp(rawZip([{ name: "a.txt", data: "a" }]));
    const err = await failure(run(deploy, input, { BucketName: bucket, Extract: "false" }));
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain("ObjectKey is required when Extract is false");
  });

  it("accepts a canned ACL and refuses one S3 does not have", async () => {
    const { bucket, input } = await setUp(rawZip([{ name: "a.txt", data: "a" }]));
    await run(deploy, input, { BucketName: bucket, Extract: "true", CannedACL: "public-read" });
    expect(await h.keys(bucket)).toEqual(["a.txt"]);
    const err = await failure(
      run(deploy, input, { BucketName: bucket, Extract: "true", CannedACL: "everyone" }),
    );
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain('CannedACL "everyone" is not valid; use one of private, public-read');
  });

  it("names a missing target bucket, a missing Extract and a bad Extract", async () => {
    const { bucket, input } = await setUp(rawZip([{ name: "a.txt", data: "a" }]));
    const noBucket = await failure(run(deploy, input, { BucketName: "no-such-site", Extract: "true" }));
    expect(noBucket.code).toBe("ConfigurationError");
    expect(noBucket.message).toBe(
      "The bucket no-such-site does not exist. Create it, or correct BucketName.",
    );
    const noExtract = await failure(run(deploy, input, { BucketName: bucket }));
    expect(noExtract.message).toContain("Extract");
    const badExtract = await failure(run(deploy, input, { BucketName: bucket, Extract: "yes" }));
    expect(badExtract.message).toBe('Extract must be true or false, not "yes".');
  });

  it("names an input artifact missing from the artifact store", async () => {
    const { bucket } = await setUp("unused");
    const gone = artifact("BuildOutput", "Missing");
    const err = await failure(run(deploy, gone, { BucketName: bucket, Extract: "true" }));
    expect(err.code).toBe("JobFailed");
    expect(err.message).toContain(
      `Input artifact BuildOutput is not in the artifact store (s3://artifacts/${gone.key})`,
    );
  });

  it("refuses a CODEBUILD_CLONE_REF artifact, which only CodeBuild can use", async () => {
    const { bucket, input } = await setUp('{"format":"CODEBUILD_CLONE_REF"}', {
      "codepipeline-artifact-format": "CODEBUILD_CLONE_REF",
    });
    for (const extract of ["true", "false"]) {
      const err = await failure(
        run(deploy, input, { BucketName: bucket, Extract: extract, ObjectKey: "x.zip" }),
      );
      expect(err.code).toBe("ConfigurationError");
      expect(err.message).toContain("is a Git clone reference");
    }
    expect(await h.keys(bucket)).toEqual([]);
  });

  it("refuses an ObjectKey prefix that climbs out", async () => {
    const { bucket, input } = await setUp(rawZip([{ name: "a.txt", data: "a" }]));
    const err = await failure(
      run(deploy, input, { BucketName: bucket, Extract: "true", ObjectKey: "site/../other" }),
    );
    expect(err.code).toBe("ConfigurationError");
    expect(await h.keys(bucket)).toEqual([]);
  });

  it("refuses CacheControl with a line break (it becomes a response header)", async () => {
    const { bucket, input } = await setUp(rawZip([{ name: "a.txt", data: "a" }]));
    const err = await failure(
      run(deploy, input, { BucketName: bucket, Extract: "true", CacheControl: "no-cache\r\nX-Evil: 1" }),
    );
    expect(err.code).toBe("ConfigurationError");
  });

  describe("refuses hostile archives whole, naming the entry, and writes nothing", () => {
    const good: RawEntry = { name: "index.html", data: "<p>fine</p>" };
    const zeros = Buffer.alloc(3 * 1024 * 1024);
    const cases: Array<{ what: string; zip: () => Buffer; expected: string; limits?: "small" }> = [
      { what: "../x", zip: () => rawZip([good, { name: "../x", data: "x" }]), expected: 'entry "../x"' },
      {
        what: "an absolute path",
        zip: () => rawZip([good, { name: "/etc/passwd", data: "root" }]),
        expected: '"/etc/passwd" is an absolute path',
      },
      {
        what: "a/../../b",
        zip: () => rawZip([good, { name: "a/../../b", data: "b" }]),
        expected: '"a/../../b" points outside',
      },
      {
        what: "a backslash climb",
        zip: () => rawZip([good, { name: "..\\..\\x", data: "x" }]),
        expected: "..",
      },
      {
        what: "a//b",
        zip: () => rawZip([good, { name: "a//b", data: "b" }]),
        expected: '"a//b" has an empty path segment (//)',
      },
      {
        what: "./a",
        zip: () => rawZip([good, { name: "./a", data: "a" }]),
        expected: "has a '.' path segment",
      },
      {
        what: "a NUL byte",
        zip: () => rawZip([good, { name: "a\u0000b", data: "b" }]),
        expected: "contains a NUL character",
      },
      {
        what: "a control byte",
        zip: () => rawZip([good, { name: "a\u0001b.txt", data: "b" }]),
        expected: "contains a control character (U+0001)",
      },
      {
        what: "a line break",
        zip: () => rawZip([good, { name: "a\nb.txt", data: "b" }]),
        expected: "contains a control character (U+000A)",
      },
      {
        what: "a symbolic link",
        zip: () => rawZip([good, { name: "link", data: "/etc/passwd", unixMode: 0o120777 }]),
        expected: 'zip entry "link" is a symbolic link',
      },
      {
        what: "a FIFO",
        zip: () => rawZip([good, { name: "pipe", data: "", unixMode: 0o010644 }]),
        expected: 'zip entry "pipe" is a device, FIFO or socket',
      },
      {
        what: "duplicate names",
        zip: () => rawZip([good, { name: "dup.txt", data: "1" }, { name: "dup.txt", data: "2" }]),
        expected: 'zip entry "dup.txt" appears more than once',
      },
      {
        what: "more entries than allowed",
        zip: () => rawZip(Array.from({ length: 51 }, (_, i) => ({ name: `f${i}.txt`, data: "x" }))),
        expected: "has more than 50 entries",
        limits: "small",
      },
      {
        what: "a huge declared size",
        zip: () => rawZip([good, { name: "huge.bin", data: zeros }]),
        expected: 'zip entry "huge.bin" declares 3145728 bytes; at most 1048576 are accepted',
        limits: "small",
      },
      {
        what: "a total past the limit",
        zip: () =>
          rawZip([
            { name: "a.bin", data: zeros.subarray(0, 900_000) },
            { name: "b.bin", data: zeros.subarray(0, 900_000) },
            { name: "c.bin", data: zeros.subarray(0, 900_000) },
          ]),
        expected: 'zip entry "c.bin" brings the archive\'s uncompressed size past 2097152 bytes',
        limits: "small",
      },
      {
        what: "an impossible compression ratio",
        zip: () => rawZip([good, { name: "bomb.bin", data: "tiny", declaredSize: 2_000_000_000 }]),
        expected: 'zip entry "bomb.bin" declares 2000000000 bytes from',
      },
      {
        what: "more bytes than declared",
        zip: () => rawZip([good, { name: "liar.bin", data: zeros, declaredSize: 1000 }]),
        expected: 'zip entry "liar.bin" is corrupt',
      },
      {
        what: "overlapping entries",
        zip: () =>
          rawZip([
            { name: "base.bin", data: zeros.subarray(0, 100_000) },
            { name: "copy1.bin", data: zeros.subarray(0, 100_000), sameDataAs: 0 },
            { name: "copy2.bin", data: zeros.subarray(0, 100_000), sameDataAs: 0 },
          ]),
        expected: "shares its bytes with entry",
      },
      {
        what: "a wrong CRC-32",
        zip: () => rawZip([good, { name: "bad-crc.txt", data: "hello", crc: 12345 }]),
        expected: 'zip entry "bad-crc.txt" is corrupt: its bytes do not match its CRC-32',
      },
      {
        what: "corrupt deflate data",
        zip: () => {
          const zip = rawZip([good, { name: "broken.txt", data: "some text to deflate ".repeat(50) }]);
          // Flip the bytes of the second entry's deflate stream (after its 30-byte header and name).
          const at = zip.indexOf(Buffer.from("broken.txt")) + "broken.txt".length;
          for (let i = at; i < at + 8; i++) zip[i] = zip[i]! ^ 0xff;
          return zip;
        },
        expected: 'zip entry "broken.txt" is corrupt',
      },
      {
        what: "an encrypted entry",
        zip: () => rawZip([good, { name: "secret.txt", data: "x", flags: 1 }]),
        expected: 'zip entry "secret.txt" is encrypted',
      },
      {
        what: "an unsupported compression method",
        zip: () => rawZip([good, { name: "bz.txt", data: "x", method: 12 }]),
        expected: 'zip entry "bz.txt" uses compression method 12',
      },
      {
        what: "a truncated zip",
        zip: () => {
          const zip = rawZip([good, { name: "b.txt", data: "b" }]);
          return zip.subarray(0, zip.length - 30);
        },
        expected: "the zip is not a readable zip file",
      },
      {
        what: "something that is not a zip at all",
        zip: () => Buffer.from("just some text, as an S3 source may hand on"),
        expected: "the zip is not a readable zip file",
      },
    ];

    for (const c of cases) {
      it(c.what, async () => {
        const { bucket, input } = await setUp(c.zip());
        await h.put(bucket, "elsewhere/keep.txt", "untouched");
        const err = await failure(
          run(c.limits === "small" ? small : deploy, input, {
            BucketName: bucket,
            Extract: "true",
            ObjectKey: "site",
          }),
        );
        expect(err.code).toBe("JobFailed");
        expect(err.message).toContain("Input artifact BuildOutput cannot be deployed:");
        expect(err.message).toContain(c.expected);
        expect(err.message).toMatch(new RegExp(`[^.]\\. Nothing was written to s3://${bucket}/site/\\.$`));
        // Nothing outside the prefix — and nothing inside it either: the archive was refused whole.
        expect(await h.keys(bucket)).toEqual(["elsewhere/keep.txt"]);
        expect((await h.get(bucket, "elsewhere/keep.txt")).toString()).toBe("untouched");
      });
    }
  });

  it("deploys a legitimately well-compressed file (high ratio, within the limits)", async () => {
    const zeros = Buffer.alloc(1024 * 1024);
    expect(deflateRawSync(zeros).length).toBeLessThan(2048);
    const { bucket, input } = await setUp(rawZip([{ name: "zeros.bin", data: zeros }]));
    await run(small, input, { BucketName: bucket, Extract: "true" });
    expect((await h.get(bucket, "zeros.bin")).length).toBe(1024 * 1024);
  });

  it("stops between files when the execution is stopped, with the stop as the reason", async () => {
    const { bucket, input } = await setUp(
      rawZip(Array.from({ length: 10 }, (_, i) => ({ name: `f${i}.txt`, data: `${i}` }))),
    );
    const controller = new AbortController();
    const s3 = {
      ...h.s3,
      putObject: async (input: Parameters<typeof h.s3.putObject>[0]) => {
        const out = await h.s3.putObject(input);
        if (input.bucket === bucket) controller.abort(new Error("stopped by the engine"));
        return out;
      },
    };
    const provider = createProviders({ s3, publicUrl: () => PUBLIC_URL, workDir: h.dir })["Deploy/AWS/S3"];
    await expect(
      provider.run(
        actionRun({
          configuration: { BucketName: bucket, Extract: "true" },
          inputArtifacts: [input],
          signal: controller.signal,
        }),
      ),
    ).rejects.toThrow("stopped by the engine");
    expect(await h.keys(bucket)).toEqual(["f0.txt"]);
  });

  it("refuses an entry whose key would be longer than S3 allows, before writing anything", async () => {
    // 1,025 bytes with the prefix: one more than S3's limit on a key.
    const long = `${["d", "e", "f", "g"].map((c) => c.repeat(250)).join("/")}/${"h".repeat(16)}`;
    expect(Buffer.byteLength(`site/${long}`)).toBe(1025);
    const { bucket, input } = await setUp(
      rawZip([
        { name: "first.txt", data: "1" },
        { name: long, data: "x" },
      ]),
    );
    const err = await failure(run(deploy, input, { BucketName: bucket, Extract: "true", ObjectKey: "site" }));
    expect(err.message).toContain("would make an invalid key");
    expect(await h.keys(bucket)).toEqual([]);
  });
});
