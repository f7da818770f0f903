/**
 * Artifacts in the pipeline's artifact store, through the in-process S3 service (never over HTTP):
 * an input artifact is streamed to a private temporary file (zip readers need random access), an
 * output artifact is streamed into its object as it is produced. S3's errors become ActionFailures
 * that name the artifact, the bucket and the key.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { errorMessage, isServiceError } from "../../../core/index.js";
import { ZipWriter } from "../../../platform/archive/index.js";
import type { ObjectInfo, S3Service } from "../../s3/index.js";
import { isCloneRef } from "./clone-ref.js";
import { ActionFailure, type ArtifactLocation } from "./types.js";

/** `s3://bucket/key`, for messages. */
export function s3Url(bucket: string, key?: string): string {
  return key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`;
}

/** The S3 error code of `err`, when it is one. */
export function s3ErrorCode(err: unknown): string | undefined {
  return isServiceError(err) ? err.code : undefined;
}

/**
 * Runs `fn` with a new private directory (0700, under `base` or the system's temporary directory)
 * and removes it afterwards, whatever happened.
 */
export async function withWorkDir<T>(base: string | undefined, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(base ?? tmpdir(), "pipewright-action-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A read of an input artifact failed: which one, and why. */
function inputFailure(artifact: ArtifactLocation, err: unknown): ActionFailure {
  const where = s3Url(artifact.bucket, artifact.key);
  switch (s3ErrorCode(err)) {
    case "NoSuchBucket":
      return new ActionFailure(
        "ConfigurationError",
        `Input artifact ${artifact.name} cannot be read: the artifact store bucket ${artifact.bucket} does not exist.`,
        { cause: err },
      );
    case "NoSuchKey":
      return new ActionFailure(
        "JobFailed",
        `Input artifact ${artifact.name} is not in the artifact store (${where}): the action that produces it did not write it, or it was deleted.`,
        { cause: err },
      );
    default:
      return new ActionFailure(
        "JobFailed",
        `Input artifact ${artifact.name} (${where}) could not be read: ${errorMessage(err)}`,
        { cause: err },
      );
  }
}

/** A write of an output artifact failed: which one, and why. */
function outputFailure(artifact: ArtifactLocation, err: unknown): ActionFailure {
  if (err instanceof ActionFailure) return err;
  if (s3ErrorCode(err) === "NoSuchBucket") {
    return new ActionFailure(
      "ConfigurationError",
      `Output artifact ${artifact.name} cannot be written: the artifact store bucket ${artifact.bucket} does not exist.`,
      { cause: err },
    );
  }
  return new ActionFailure(
    "JobFailed",
    `Output artifact ${artifact.name} could not be written to ${s3Url(artifact.bucket, artifact.key)}: ${errorMessage(err)}`,
    { cause: err },
  );
}

/** The refusal of a CODEBUILD_CLONE_REF artifact by an action that needs files. */
function cloneRefRefused(artifact: ArtifactLocation, action: string): ActionFailure {
  return new ActionFailure(
    "ConfigurationError",
    `Input artifact ${artifact.name} is a Git clone reference (its source action has OutputArtifactFormat CODEBUILD_CLONE_REF), which only CodeBuild actions can use; the ${action} action needs files. Set OutputArtifactFormat to CODE_ZIP on the source action.`,
  );
}

/**
 * The metadata of input artifact `artifact`, refusing a clone reference (see clone-ref.ts).
 * @throws ActionFailure naming the artifact when it is missing or is a clone reference.
 */
export async function inspectInputArtifact(
  s3: S3Service,
  artifact: ArtifactLocation,
  action: string,
): Promise<ObjectInfo> {
  let info: ObjectInfo;
  try {
    info = (await s3.headObject({ bucket: artifact.bucket, key: artifact.key })).info;
  } catch (err) {
    throw inputFailure(artifact, err);
  }
  if (isCloneRef(info.metadata)) throw cloneRefRefused(artifact, action);
  return info;
}

/**
 * Streams input artifact `artifact` into `file` (created 0600; it must not exist).
 * @throws ActionFailure naming the artifact when it is missing, a clone reference, or unreadable.
 */
export async function downloadInputArtifact(
  s3: S3Service,
  artifact: ArtifactLocation,
  file: string,
  action: string,
  signal: AbortSignal,
): Promise<ObjectInfo> {
  let opened: Awaited<ReturnType<S3Service["getObject"]>>;
  try {
    opened = await s3.getObject({ bucket: artifact.bucket, key: artifact.key });
  } catch (err) {
    throw inputFailure(artifact, err);
  }
  if (isCloneRef(opened.info.metadata)) {
    opened.body.destroy();
    throw cloneRefRefused(artifact, action);
  }
  try {
    await pipeline(opened.body, createWriteStream(file, { mode: 0o600, flags: "wx" }), { signal });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw inputFailure(artifact, err);
  }
  return opened.info;
}

/** What an output artifact's object is described by. */
export interface ArtifactAttributes {
  contentType: string;
  metadata?: Record<string, string>;
}

/**
 * Stores `body` as output artifact `artifact`.
 * @throws ActionFailure naming the artifact when the store refuses it.
 */
export async function putOutputArtifact(
  s3: S3Service,
  artifact: ArtifactLocation,
  body: Readable,
  attributes: ArtifactAttributes,
): Promise<{ etag: string }> {
  try {
    const put = await s3.putObject({
      bucket: artifact.bucket,
      key: artifact.key,
      body: { stream: body, digests: [], verify: () => undefined },
      contentType: attributes.contentType,
      headers: {},
      metadata: attributes.metadata ?? {},
    });
    return { etag: put.etag };
  } catch (err) {
    throw outputFailure(artifact, err);
  }
}

/**
 * Writes output artifact `artifact` as a zip that `produce` fills entry by entry, streamed into
 * the store as it is made: no archive is held whole, in memory or on disk. If `produce` throws,
 * or the store fails, nothing is stored and the first failure is thrown (the store's, as an
 * ActionFailure naming the artifact, when it failed first).
 */
export async function writeZipArtifact(
  s3: S3Service,
  artifact: ArtifactLocation,
  produce: (zip: ZipWriter) => Promise<void>,
): Promise<{ etag: string }> {
  const { writer, output } = await ZipWriter.toStream();
  let storeFailure: unknown;
  const put = putOutputArtifact(s3, artifact, output, { contentType: "application/zip" }).catch(
    (err: unknown) => {
      storeFailure = err;
      // Whatever the producer is waiting on (the reader of this stream) will never come.
      output.destroy();
      throw err;
    },
  );
  put.catch(() => undefined);
  try {
    await produce(writer);
    await writer.close();
  } catch (err) {
    const storeFailedFirst = storeFailure !== undefined;
    output.destroy(err instanceof Error ? err : new Error(String(err)));
    await put.catch(() => undefined);
    throw storeFailedFirst ? storeFailure : err;
  }
  return put;
}
