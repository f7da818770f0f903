import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  actionRun,
  artifact,
  openS3Harness,
  PUBLIC_URL,
  type S3Harness,
} from "./fixtures/providers.fixture.js";
import { createProviders } from "./index.js";
import { ActionFailure, type SyncProvider } from "./types.js";

describe("Source / AWS / S3", () => {
  let h: S3Harness;
  let source: SyncProvider;
  const output = artifact("SourceOutput");

  beforeAll(async () => {
    h = await openS3Harness();
    await h.createBucket("artifacts");
    await h.createBucket("sources");
    source = createProviders({ s3: h.s3, publicUrl: () => PUBLIC_URL })["Source/AWS/S3"];
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.put("sources", "app/source.zip", "zip bytes v1", {
      "codepipeline-artifact-revision-summary": "Release 1.0",
    });
  });

  const run = (configuration: Record<string, string>, more: Parameters<typeof actionRun>[0] = {}) =>
    source.run(actionRun({ configuration, outputArtifacts: [output], ...more }));
  const config = { S3Bucket: "sources", S3ObjectKey: "app/source.zip" };
  const failure = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ActionFailure);
    return err as ActionFailure;
  };

  it("copies the object to the output artifact and reports its ETag as the revision", async () => {
    const etag = (await h.s3.headObject({ bucket: "sources", key: "app/source.zip" })).info.etag.replace(
      /"/g,
      "",
    );
    const result = await run(config);
    expect((await h.get(output.bucket, output.key)).toString()).toBe("zip bytes v1");
    expect(result.outputVariables).toEqual({ ETag: etag, VersionId: "null" });
    expect(result.revision).toMatchObject({
      revisionId: etag,
      revisionChangeId: etag,
      revisionSummary: "Release 1.0",
      revisionUrl: `${PUBLIC_URL}/sources/app/source.zip`,
    });
    expect(result.revision?.created).toBeInstanceOf(Date);
  });

  it("fetches the revision the execution carries while the object still has it", async () => {
    const etag = (await h.s3.headObject({ bucket: "sources", key: "app/source.zip" })).info.etag;
    const result = await run(config, { sourceRevision: etag.replace(/"/g, "") });
    expect(result.revision?.revisionId).toBe(etag.replace(/"/g, ""));
    expect((await h.get(output.bucket, output.key)).toString()).toBe("zip bytes v1");
  });

  it("fails with RevisionUnavailable once the object has been replaced, rather than fetching other bytes", async () => {
    const old = (await h.s3.headObject({ bucket: "sources", key: "app/source.zip" })).info.etag.replace(
      /"/g,
      "",
    );
    await h.put("sources", "app/source.zip", "zip bytes v2");
    const err = await failure(run(config, { sourceRevision: old }));
    expect(err.code).toBe("RevisionUnavailable");
    expect(err.message).toContain(`Revision ${old} of s3://sources/app/source.zip is no longer available`);
    expect(err.message).toContain("keeps no earlier versions");
  });

  it("leaves the summary out when the object has no revision-summary metadata", async () => {
    await h.put("sources", "plain.zip", "plain");
    const result = await run({ S3Bucket: "sources", S3ObjectKey: "plain.zip" });
    expect(result.revision?.revisionSummary).toBeUndefined();
  });

  it("names a missing bucket", async () => {
    const err = await failure(run({ S3Bucket: "no-such-bucket", S3ObjectKey: "app/source.zip" }));
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain("The bucket no-such-bucket does not exist");
  });

  it("names a missing object and where to upload it", async () => {
    const err = await failure(run({ S3Bucket: "sources", S3ObjectKey: "app/missing.zip" }));
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toBe(
      "The object app/missing.zip does not exist in bucket sources. Upload the source (a zip) to s3://sources/app/missing.zip, or correct S3ObjectKey.",
    );
  });

  it("names missing settings", async () => {
    const err = await failure(run({ S3Bucket: "sources" }));
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain("S3ObjectKey");
  });

  it("names a missing artifact store bucket", async () => {
    const err = await failure(
      run(config, {
        outputArtifacts: [{ name: "SourceOutput", bucket: "gone-store", key: "web/SourceOutput/x" }],
      }),
    );
    expect(err.code).toBe("ConfigurationError");
    expect(err.message).toContain("the artifact store bucket gone-store does not exist");
  });
});
