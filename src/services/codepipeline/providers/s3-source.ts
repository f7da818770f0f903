/**
 * Source / AWS / S3: one object (usually a zip of the source) copied into the artifact store, as
 * AWS's action reference describes it (configuration S3Bucket, S3ObjectKey, PollForSourceChanges;
 * output variables ETag and VersionId; the object's ETag is the revision's change identifier, and
 * a `codepipeline-artifact-revision-summary` user-metadata value its summary).
 *
 * AWS requires versioning on the source bucket and identifies revisions by version id. This
 * server's S3 keeps no versions — every object is the unversioned "null" version — so the
 * revision id is the object's ETag (the MD5 of its bytes: the same bytes are the same revision),
 * VersionId is `null`, and an execution that carries an ETag the object no longer has fails with
 * RevisionUnavailable instead of fetching other bytes. The copy is conditional on the ETag, so a
 * concurrent overwrite can never mix one revision's id with another's bytes. The copy keeps the
 * object's bytes as they are (a single file that is not a zip is passed on, as on AWS; actions
 * that need a zip refuse it then). PollForSourceChanges is the engine's business and ignored here.
 */
import type { ObjectInfo, S3Service } from "../../s3/index.js";
import { s3ErrorCode, s3Url } from "./artifacts.js";
import { requiredSetting, soleOutput } from "./configuration.js";
import { ActionFailure, type ActionRun, type ArtifactLocation, type SyncProvider } from "./types.js";

const ACTION = "Amazon S3 source";
/** User metadata whose value AWS shows as the revision's summary. */
const SUMMARY_METADATA = "codepipeline-artifact-revision-summary";
const MAX_SUMMARY_CHARS = 2048;
/** S3's version id of an object in a bucket without versioning. */
const UNVERSIONED = "null";

/** What the S3 source action needs. */
export interface S3SourceDeps {
  s3: S3Service;
  publicUrl: () => string;
}

export function s3Source(deps: S3SourceDeps): SyncProvider {
  return {
    async run(run) {
      const bucket = requiredSetting(run, ACTION, "S3Bucket", "the bucket that holds the source object");
      const key = requiredSetting(run, ACTION, "S3ObjectKey", "the key of the source object");
      const output = soleOutput(run, ACTION);
      const copied = await copyRevision(deps.s3, run, { bucket, key }, output);
      const etag = bareEtag(copied.etag);
      const summary = copied.metadata[SUMMARY_METADATA];
      return {
        outputVariables: { ETag: etag, VersionId: UNVERSIONED },
        revision: {
          revisionId: etag,
          revisionChangeId: etag,
          ...(summary ? { revisionSummary: summary.slice(0, MAX_SUMMARY_CHARS) } : {}),
          revisionUrl: `${deps.publicUrl()}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`,
          created: new Date(copied.lastModified),
        },
      };
    },
  };
}

/**
 * Copies the revision the execution carries (or the object as it is now) into `output`; returns
 * the metadata of what was copied. A copy that loses a race with an overwrite is tried again when
 * any revision will do.
 */
async function copyRevision(
  s3: S3Service,
  run: ActionRun,
  source: { bucket: string; key: string },
  output: ArtifactLocation,
): Promise<ObjectInfo> {
  for (let attempt = 1; ; attempt++) {
    run.signal.throwIfAborted();
    const current = await currentObject(s3, source);
    if (run.sourceRevision !== undefined && !isRevision(current, run.sourceRevision)) {
      throw revisionGone(source, run.sourceRevision, current);
    }
    try {
      const copy = await s3.copyObject({
        source,
        bucket: output.bucket,
        key: output.key,
        metadataDirective: "COPY",
        attributes: { headers: {}, metadata: {} },
        sourceConditions: { ifMatch: current.etag },
      });
      return copy.source;
    } catch (err) {
      const code = s3ErrorCode(err);
      if (code === "PreconditionFailed" || code === "NoSuchKey") {
        // Overwritten or deleted between the look and the copy.
        if (run.sourceRevision !== undefined) throw revisionGone(source, run.sourceRevision, undefined);
        if (attempt < 3) continue;
        throw new ActionFailure(
          "JobFailed",
          `${s3Url(source.bucket, source.key)} kept changing while it was being copied; try again.`,
          { cause: err },
        );
      }
      if (code === "NoSuchBucket") {
        throw new ActionFailure(
          "ConfigurationError",
          `Output artifact ${output.name} cannot be written: the artifact store bucket ${output.bucket} does not exist.`,
          { cause: err },
        );
      }
      throw err;
    }
  }
}

async function currentObject(s3: S3Service, source: { bucket: string; key: string }): Promise<ObjectInfo> {
  try {
    return (await s3.headObject({ bucket: source.bucket, key: source.key })).info;
  } catch (err) {
    switch (s3ErrorCode(err)) {
      case "NoSuchBucket":
        throw new ActionFailure(
          "ConfigurationError",
          `The bucket ${source.bucket} does not exist. Check S3Bucket, or create the bucket and upload the source to ${source.key}.`,
          { cause: err },
        );
      case "NoSuchKey":
        throw new ActionFailure(
          "ConfigurationError",
          `The object ${source.key} does not exist in bucket ${source.bucket}. Upload the source (a zip) to ${s3Url(source.bucket, source.key)}, or correct S3ObjectKey.`,
          { cause: err },
        );
      default:
        throw err;
    }
  }
}

/** Whether `revision` names the object as it is: its ETag (quoted or not), or the unversioned version id. */
function isRevision(object: ObjectInfo, revision: string): boolean {
  return revision === UNVERSIONED || bareEtag(revision) === bareEtag(object.etag);
}

function revisionGone(
  source: { bucket: string; key: string },
  revision: string,
  current: ObjectInfo | undefined,
): ActionFailure {
  return new ActionFailure(
    "RevisionUnavailable",
    `Revision ${revision} of ${s3Url(source.bucket, source.key)} is no longer available: the object has been replaced${
      current ? ` (its ETag is now ${bareEtag(current.etag)})` : ""
    }, and this server's S3 keeps no earlier versions. Start a new execution to fetch the object as it is now.`,
  );
}

function bareEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
}
