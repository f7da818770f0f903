import { createHash, randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, openSync, writeSync, closeSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import { tempDir } from "../support/stores.js";
import { blobFiles, expectCleanBlobDir } from "./s3-support.js";

const MiB = 1024 * 1024;

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

describe.runIf(hasAwsCli())("S3 through the AWS CLI v2", () => {
  let server: TestServer;
  let work: { dir: string; remove: () => void };
  const files = { empty: "empty.bin", small: "small.bin", big: "big.bin" } as const;
  const local = (name: string) => path.join(work.dir, name);
  const cli = async (...args: string[]) => {
    const res = await awsCli(server, args, { cwd: work.dir });
    if (res.code !== 0) throw new Error(`aws ${args.join(" ")} failed (${res.code}): ${res.stderr}`);
    return res.stdout;
  };

  beforeAll(async () => {
    server = await startTestServer();
    work = tempDir("pipewright-s3-cli-");
    writeFileSync(local(files.empty), "");
    writeFileSync(local(files.small), randomBytes(1024));
    // 100 MiB in 1 MiB writes: above the CLI's 8 MiB threshold, so it goes up as a multipart upload.
    const fd = openSync(local(files.big), "w");
    for (let i = 0; i < 100; i++) writeSync(fd, randomBytes(MiB));
    closeSync(fd);
  });
  afterAll(async () => {
    await server.stop();
    work.remove();
  });

  it("makes buckets with mb and refuses invalid names", async () => {
    expect(await cli("s3", "mb", "s3://cli-bucket")).toContain("make_bucket: cli-bucket");
    const bad = await awsCli(server, ["s3", "mb", "s3://Bad_Name"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("InvalidBucketName");
    const reserved = await awsCli(server, ["s3api", "create-bucket", "--bucket", "v1"]);
    expect(reserved.stderr).toMatch(/InvalidBucketName.*reserved/);
  });

  it("copies 0 B, 1 KiB and 100 MiB files up and down unchanged", async () => {
    for (const name of Object.values(files)) await cli("s3", "cp", local(name), `s3://cli-bucket/${name}`);
    const listing = await cli("s3", "ls", "s3://cli-bucket/");
    expect(listing).toMatch(/\s0 empty\.bin/);
    expect(listing).toMatch(/\s1024 small\.bin/);
    expect(listing).toMatch(new RegExp(`\\s${100 * MiB} big\\.bin`));
    const head = JSON.parse(
      await cli("s3api", "head-object", "--bucket", "cli-bucket", "--key", files.big),
    ) as {
      ContentLength: number;
      ETag: string;
    };
    expect(head.ContentLength).toBe(100 * MiB);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-\d+"$/);
    mkdirSync(local("down"));
    for (const name of Object.values(files)) {
      await cli("s3", "cp", `s3://cli-bucket/${name}`, local(`down/${name}`));
      expect(await fileSha256(local(`down/${name}`)), name).toBe(await fileSha256(local(name)));
    }
  });

  it("syncs directories both ways, lists recursively and removes", async () => {
    mkdirSync(local("tree/sub"), { recursive: true });
    writeFileSync(local("tree/a.txt"), "a");
    writeFileSync(local("tree/sub/b.txt"), "bb");
    await cli("s3", "sync", local("tree"), "s3://cli-bucket/tree/");
    const recursive = await cli("s3", "ls", "--recursive", "s3://cli-bucket/tree/");
    expect(recursive).toContain("tree/a.txt");
    expect(recursive).toContain("tree/sub/b.txt");
    const top = await cli("s3", "ls", "s3://cli-bucket/tree/");
    expect(top).toContain("PRE sub/");
    // A second sync has nothing to do.
    expect(await cli("s3", "sync", local("tree"), "s3://cli-bucket/tree/")).toBe("");
    await cli("s3", "sync", "s3://cli-bucket/tree/", local("tree-copy"));
    expect(await fileSha256(local("tree-copy/sub/b.txt"))).toBe(await fileSha256(local("tree/sub/b.txt")));
    await cli("s3", "rm", "--recursive", "s3://cli-bucket/tree/");
    expect(await cli("s3", "ls", "s3://cli-bucket/tree/").catch(() => "")).toBe("");
  });

  it("drives the s3api commands", async () => {
    writeFileSync(local("body.txt"), "s3api body");
    const put = JSON.parse(
      await cli(
        "s3api",
        "put-object",
        "--bucket",
        "cli-bucket",
        "--key",
        "api/obj.txt",
        "--body",
        "body.txt",
        "--content-type",
        "text/plain",
        "--metadata",
        "k=v",
      ),
    ) as { ETag: string };
    expect(put.ETag).toBe(`"${createHash("md5").update("s3api body").digest("hex")}"`);
    const got = JSON.parse(
      await cli("s3api", "get-object", "--bucket", "cli-bucket", "--key", "api/obj.txt", "got.txt"),
    ) as {
      ContentType: string;
      Metadata: Record<string, string>;
    };
    expect(got).toMatchObject({ ContentType: "text/plain", Metadata: { k: "v" } });
    const listed = JSON.parse(
      await cli("s3api", "list-objects-v2", "--bucket", "cli-bucket", "--prefix", "api/"),
    ) as {
      Contents: Array<{ Key: string }>;
    };
    expect(listed.Contents.map((c) => c.Key)).toEqual(["api/obj.txt"]);
    const missing = await awsCli(server, [
      "s3api",
      "get-object",
      "--bucket",
      "cli-bucket",
      "--key",
      "nope",
      "x.txt",
    ]);
    expect(missing.stderr).toContain("NoSuchKey");
    await cli("s3api", "delete-object", "--bucket", "cli-bucket", "--key", "api/obj.txt");
  });

  it("removes everything with rb --force and leaves no blob behind", async () => {
    const notEmpty = await awsCli(server, ["s3", "rb", "s3://cli-bucket"]);
    expect(notEmpty.stderr).toContain("BucketNotEmpty");
    await cli("s3", "rb", "--force", "s3://cli-bucket");
    expect(await cli("s3", "ls")).toBe("");
    await expectCleanBlobDir(server);
    expect(blobFiles(server)).toEqual([]);
  });
});
