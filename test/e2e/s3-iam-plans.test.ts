import { generateKeyPairSync } from "node:crypto";
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import {
  CreateServiceSpecificCredentialCommand,
  IAMClient,
  ListServiceSpecificCredentialsCommand,
  ListSSHPublicKeysCommand,
  UploadSSHPublicKeyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullScans, recordQueries } from "../support/query-plans.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";

/** An OpenSSH `ssh-ed25519` public key line for a fresh key. */
function sshPublicKey(): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]).toString("base64")}`;
}

describe.each(dialects())("S3 and IAM listings on %s read one page from an index", (dialect) => {
  const recorder = recordQueries();
  let server: TestServer;
  let s3: S3Client;
  let iam: IAMClient;
  let uploadId: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect, server: { onQuery: recorder.onQuery } });
    s3 = new S3Client(server.clientConfig);
    iam = new IAMClient(server.clientConfig);
    for (const Bucket of ["plans-a", "plans-b", "plans-c"])
      await s3.send(new CreateBucketCommand({ Bucket }));
    for (const Key of ["a/1", "a/2", "b/1", "b/2", "c"]) {
      await s3.send(new PutObjectCommand({ Bucket: "plans-a", Key, Body: Key }));
    }
    for (const Key of ["up/1", "up/2", "up/3"]) {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "plans-a", Key }));
      uploadId = UploadId!;
    }
    for (const PartNumber of [1, 2, 3]) {
      await s3.send(
        new UploadPartCommand({ Bucket: "plans-a", Key: "up/3", UploadId: uploadId, PartNumber, Body: "x" }),
      );
    }
    for (let i = 0; i < 3; i++) {
      await iam.send(new UploadSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyBody: sshPublicKey() }));
    }
    for (let i = 0; i < 2; i++) {
      await iam.send(
        new CreateServiceSpecificCredentialCommand({
          UserName: "root",
          ServiceName: "codecommit.amazonaws.com",
        }),
      );
    }
  });
  afterAll(async () => {
    s3?.destroy();
    iam?.destroy();
    await server?.stop();
  });

  const expectIndexed = async (operation: string, call: () => Promise<unknown>) => {
    const queries = await recorder.during(operation, call);
    expect(queries.length).toBeGreaterThan(0);
    expect(await fullScans(server.store, queries)).toEqual([]);
  };

  it("ListBuckets, whole and in pages", async () => {
    await expectIndexed("ListBuckets", () => s3.send(new ListBucketsCommand({})));
    const first = await s3.send(new ListBucketsCommand({ MaxBuckets: 1 }));
    expect(first.Buckets?.map((b) => b.Name)).toEqual(["plans-a"]);
    await expectIndexed("ListBuckets", () =>
      s3.send(new ListBucketsCommand({ MaxBuckets: 1, ContinuationToken: first.ContinuationToken })),
    );
    await expectIndexed("ListBuckets", () => s3.send(new ListBucketsCommand({ Prefix: "plans-b" })));
  });

  it("ListObjectsV2 and ListObjects, by prefix, delimiter and token", async () => {
    await expectIndexed("ListObjectsV2", () => s3.send(new ListObjectsV2Command({ Bucket: "plans-a" })));
    await expectIndexed("ListObjectsV2", () =>
      s3.send(new ListObjectsV2Command({ Bucket: "plans-a", Prefix: "a/", MaxKeys: 1 })),
    );
    await expectIndexed("ListObjectsV2", () =>
      s3.send(new ListObjectsV2Command({ Bucket: "plans-a", Delimiter: "/" })),
    );
    const page = await s3.send(new ListObjectsV2Command({ Bucket: "plans-a", MaxKeys: 2 }));
    await expectIndexed("ListObjectsV2", () =>
      s3.send(new ListObjectsV2Command({ Bucket: "plans-a", ContinuationToken: page.NextContinuationToken })),
    );
    await expectIndexed("ListObjects", () =>
      s3.send(new ListObjectsCommand({ Bucket: "plans-a", Marker: "a/2", Delimiter: "/" })),
    );
  });

  it("ListMultipartUploads and ListParts", async () => {
    await expectIndexed("ListMultipartUploads", () =>
      s3.send(new ListMultipartUploadsCommand({ Bucket: "plans-a", MaxUploads: 2 })),
    );
    await expectIndexed("ListMultipartUploads", () =>
      s3.send(new ListMultipartUploadsCommand({ Bucket: "plans-a", Prefix: "up/", KeyMarker: "up/1" })),
    );
    await expectIndexed("ListParts", () =>
      s3.send(new ListPartsCommand({ Bucket: "plans-a", Key: "up/3", UploadId: uploadId, MaxParts: 2 })),
    );
    await expectIndexed("ListParts", () =>
      s3.send(
        new ListPartsCommand({ Bucket: "plans-a", Key: "up/3", UploadId: uploadId, PartNumberMarker: "1" }),
      ),
    );
  });

  it("ListMultipartUploads pages, with and without a delimiter, return every upload once, in order", async () => {
    const walk = async (Delimiter?: string) => {
      const seen: string[] = [];
      let KeyMarker: string | undefined;
      let UploadIdMarker: string | undefined;
      for (;;) {
        const page = await s3.send(
          new ListMultipartUploadsCommand({
            Bucket: "plans-a",
            MaxUploads: 1,
            Delimiter,
            KeyMarker,
            UploadIdMarker,
          }),
        );
        seen.push(
          ...(page.Uploads ?? []).map((u) => u.Key!),
          ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
        );
        if (!page.IsTruncated) return seen;
        KeyMarker = page.NextKeyMarker;
        UploadIdMarker = page.NextUploadIdMarker || undefined;
      }
    };
    expect(await walk()).toEqual(["up/1", "up/2", "up/3"]);
    expect(await walk("/")).toEqual(["up/"]);
  });

  it("ListServiceSpecificCredentials pages by Marker and refuses a Marker it did not make", async () => {
    const all = await iam.send(new ListServiceSpecificCredentialsCommand({}));
    expect(all.ServiceSpecificCredentials).toHaveLength(2);
    const first = await iam.send(new ListServiceSpecificCredentialsCommand({ MaxItems: 1 }));
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(
      new ListServiceSpecificCredentialsCommand({ MaxItems: 1, Marker: first.Marker }),
    );
    expect(second.IsTruncated).toBe(false);
    expect([...first.ServiceSpecificCredentials!, ...second.ServiceSpecificCredentials!]).toEqual(
      all.ServiceSpecificCredentials,
    );
    await expect(iam.send(new ListServiceSpecificCredentialsCommand({ Marker: "1" }))).rejects.toMatchObject({
      name: "ValidationError",
    });
  });

  it("IAM ListSSHPublicKeys and ListServiceSpecificCredentials", async () => {
    await expectIndexed("ListSSHPublicKeys", () =>
      iam.send(new ListSSHPublicKeysCommand({ UserName: "root" })),
    );
    const first = await iam.send(new ListSSHPublicKeysCommand({ UserName: "root", MaxItems: 1 }));
    expect(first.IsTruncated).toBe(true);
    await expectIndexed("ListSSHPublicKeys", () =>
      iam.send(new ListSSHPublicKeysCommand({ UserName: "root", MaxItems: 1, Marker: first.Marker })),
    );
    await expectIndexed("ListServiceSpecificCredentials", () =>
      iam.send(new ListServiceSpecificCredentialsCommand({ UserName: "root" })),
    );
    await expectIndexed("ListServiceSpecificCredentials", () =>
      iam.send(new ListServiceSpecificCredentialsCommand({ AllUsers: true, MaxItems: 1 })),
    );
  });
});
