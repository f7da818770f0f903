/**
 * Deploy / AWS / S3, as AWS's action reference describes it: configuration BucketName, Extract,
 * ObjectKey (required when Extract is false; with Extract true, the optional folder the files go
 * into), CannedACL, CacheControl, KMSEncryptionKeyARN; one input artifact, no output.
 *
 * - Extract=false stores the input artifact (the zip) as one object, ObjectKey.
 * - Extract=true writes each file of the zip as its own object under the ObjectKey prefix, with a
 *   Content-Type from its extension. Objects already in the bucket are left as they are, as on AWS.
 *
 * The zip was made by a build the pipeline's users control, so it is hostile input. Before the
 * first object is written the whole archive is checked (platform/archive's checkZip): every name
 * must be a canonical relative path (no `..`, no absolute path, no `a//b` or `./a`, no control
 * character or NUL — object keys are a flat namespace, but other tools treat `..` and `/` in keys
 * as paths, so a key must not climb out of the prefix), no links, devices or duplicate names, a
 * bounded number of entries and bytes, no impossible compression ratios or overlapping entries
 * (zip bombs), and every entry's bytes must inflate to their declared length and CRC-32. A refused
 * archive writes nothing and the failure names the entry. Only the object store itself failing
 * midway can leave part of a deployment, and then the failure says how many objects were written.
 *
 * CannedACL is checked against S3's canned ACLs and otherwise not applied: this server's S3 keeps
 * no ACLs. KMSEncryptionKeyARN is accepted and ignored: objects are stored unencrypted by KMS
 * (there is no KMS here).
 */
import path from "node:path";
import type { Logger } from "../../../core/index.js";
import {
  checkZip,
  forEachZipEntry,
  UnsafeEntryNameError,
  UnsafeZipError,
  type ZipLimits,
} from "../../../platform/archive/index.js";
import { validateKey, type S3Service, type StoredHeaders } from "../../s3/index.js";
import { downloadInputArtifact, inspectInputArtifact, s3ErrorCode, s3Url, withWorkDir } from "./artifacts.js";
import { contentTypeOf } from "./content-types.js";
import {
  booleanSetting,
  enumSetting,
  hasControlCharacter,
  optionalSetting,
  requiredSetting,
  soleInput,
} from "./configuration.js";
import { ActionFailure, type ActionRun, type ArtifactLocation, type SyncProvider } from "./types.js";

const ACTION = "Amazon S3 deploy";

/** S3's canned ACLs for objects. */
const CANNED_ACLS = [
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
] as const;

/** What the S3 deploy action needs. */
export interface S3DeployDeps {
  s3: S3Service;
  logger?: Logger;
  /** Where the input zip is kept while it is checked and unpacked (default: the system's temporary directory). */
  workDir?: string;
  /** Limits on an archive to extract (default: platform/archive's DEFAULT_ZIP_LIMITS). */
  zipLimits?: Partial<ZipLimits>;
}

interface Target {
  bucket: string;
  headers: StoredHeaders;
}

export function s3Deploy(deps: S3DeployDeps): SyncProvider {
  return {
    async run(run) {
      const bucket = requiredSetting(run, ACTION, "BucketName", "the bucket to deploy to");
      const extract = booleanSetting(
        requiredSetting(
          run,
          ACTION,
          "Extract",
          "true to unpack the artifact's files, false to store the zip",
        ),
        "Extract",
      );
      const objectKey = optionalSetting(run, "ObjectKey");
      const cannedAcl = optionalSetting(run, "CannedACL");
      if (cannedAcl !== undefined) enumSetting(cannedAcl, "CannedACL", CANNED_ACLS);
      const cacheControl = optionalSetting(run, "CacheControl");
      if (cacheControl !== undefined && hasControlCharacter(cacheControl)) {
        throw new ActionFailure(
          "ConfigurationError",
          "CacheControl must be one line of Cache-Control directives, such as public, max-age=0, no-transform.",
        );
      }
      if (optionalSetting(run, "KMSEncryptionKeyARN") !== undefined) {
        deps.logger?.debug(
          { pipeline: run.pipelineName, action: run.actionName },
          "KMSEncryptionKeyARN ignored: there is no KMS on this server",
        );
      }
      const input = soleInput(run, ACTION);
      await requireBucket(deps.s3, bucket);
      const target: Target = { bucket, headers: cacheControl ? { "cache-control": cacheControl } : {} };
      if (!extract) {
        if (objectKey === undefined) {
          throw new ActionFailure(
            "ConfigurationError",
            "ObjectKey is required when Extract is false: it is the key the artifact's zip is stored under.",
          );
        }
        return storeZip(deps.s3, input, target, objectKey);
      }
      const prefix = objectPrefix(objectKey);
      return withWorkDir(deps.workDir, (dir) => extractZip(deps, run, input, target, prefix, dir));
    },
  };
}

async function requireBucket(s3: S3Service, bucket: string): Promise<void> {
  try {
    await s3.getBucket(bucket);
  } catch (err) {
    if (s3ErrorCode(err) === "NoSuchBucket") {
      throw new ActionFailure(
        "ConfigurationError",
        `The bucket ${bucket} does not exist. Create it, or correct BucketName.`,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * ObjectKey as a prefix for extracted files: leading and trailing slashes dropped; `.`, `..` and
 * empty segments and control characters refused, since the prefix is where the deployment is
 * promised to stay.
 */
function objectPrefix(objectKey: string | undefined): string {
  if (objectKey === undefined) return "";
  const trimmed = objectKey.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  const segments = trimmed.split("/");
  if (hasControlCharacter(trimmed) || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new ActionFailure(
      "ConfigurationError",
      `ObjectKey ${JSON.stringify(objectKey)} is not a usable folder for extracted files: use plain names separated by single slashes, such as site/current, without . or .. segments or control characters.`,
    );
  }
  return trimmed;
}

/** Extract=false: the input zip becomes one object (copied inside the store, never re-read). */
async function storeZip(
  s3: S3Service,
  input: ArtifactLocation,
  target: Target,
  key: string,
): Promise<{ summary: string }> {
  try {
    validateKey(key);
  } catch (err) {
    throw new ActionFailure(
      "ConfigurationError",
      `ObjectKey is not a valid object key: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const source = await inspectInputArtifact(s3, input, ACTION);
  try {
    await s3.copyObject({
      source: { bucket: input.bucket, key: input.key },
      bucket: target.bucket,
      key,
      metadataDirective: "REPLACE",
      attributes: { contentType: "application/zip", headers: target.headers, metadata: {} },
      sourceConditions: { ifMatch: source.etag },
    });
  } catch (err) {
    throw new ActionFailure(
      "JobFailed",
      `Input artifact ${input.name} could not be stored as ${s3Url(target.bucket, key)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { summary: `Stored input artifact ${input.name} as ${s3Url(target.bucket, key)}.` };
}

/** Extract=true: check the whole archive, then write one object per file. */
async function extractZip(
  deps: S3DeployDeps,
  run: ActionRun,
  input: ArtifactLocation,
  target: Target,
  prefix: string,
  dir: string,
): Promise<{ summary: string }> {
  const where = s3Url(target.bucket, prefix ? `${prefix}/` : "");
  const file = path.join(dir, "artifact.zip");
  await downloadInputArtifact(deps.s3, input, file, ACTION, run.signal);
  const refused = (reason: string, cause?: unknown) =>
    new ActionFailure(
      "JobFailed",
      `Input artifact ${input.name} cannot be deployed: ${reason.replace(/\.+$/, "")}. Nothing was written to ${where}.`,
      { cause },
    );
  let files: number;
  try {
    const entries = await checkZip(file, {
      ...(deps.zipLimits ? { limits: deps.zipLimits } : {}),
      symlinks: "refuse",
      verifyData: true,
      signal: run.signal,
    });
    files = 0;
    for (const entry of entries) {
      if (entry.type !== "file") continue;
      files++;
      try {
        validateKey(keyOf(prefix, entry.name));
      } catch (err) {
        throw refused(
          `zip entry ${JSON.stringify(entry.name)} would make an invalid key (${(err as Error).message})`,
          err,
        );
      }
    }
  } catch (err) {
    if (run.signal.aborted) throw run.signal.reason;
    if (err instanceof UnsafeEntryNameError || err instanceof UnsafeZipError) throw refused(err.message, err);
    throw err;
  }

  let written = 0;
  let current: string | undefined;
  try {
    await forEachZipEntry(file, async (entry) => {
      run.signal.throwIfAborted();
      if (entry.type !== "file") return;
      current = entry.name;
      await deps.s3.putObject({
        bucket: target.bucket,
        key: keyOf(prefix, entry.name),
        body: { stream: await entry.open(), digests: [], verify: () => undefined },
        contentType: contentTypeOf(entry.name),
        headers: target.headers,
        metadata: {},
      });
      written++;
    });
  } catch (err) {
    if (run.signal.aborted) throw run.signal.reason;
    throw new ActionFailure(
      "JobFailed",
      `Deploying input artifact ${input.name} to ${where} stopped at zip entry ${JSON.stringify(current)} after ${written} of ${files} files were written: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { summary: `Deployed ${written} file${written === 1 ? "" : "s"} from ${input.name} to ${where}.` };
}

function keyOf(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}
