import type { BusEvent } from "../../../../platform/bus/index.js";
import { OBJECT_CREATED, OBJECT_CREATED_SOURCE } from "../../../s3/index.js";
import type { ExecutionRuntime } from "../runtime.js";
import { sourceActions, startForChange } from "./start-source.js";

/**
 * Change detection for S3 sources: an object written to the bucket and key a Source/AWS/S3 action
 * names (PutObject, CopyObject, CompleteMultipartUpload) starts the pipeline, carrying that
 * object's revision. On AWS this is an EventBridge rule on CloudTrail's object-level events, or a
 * poll when PollForSourceChanges is true; here S3 announces every creation on the bus in the
 * transaction that commits it, so both settings start at once, nothing is lost to a crash, and a
 * redelivered announcement starts nothing twice.
 *
 * The revision is the object's ETag, with revision type S3_OBJECT_VERSION_ID: this server's S3
 * keeps no versions, and the S3 source action identifies a revision by its ETag (see
 * providers/s3-source.ts), failing with RevisionUnavailable rather than fetching other bytes when
 * the object has been overwritten since. Objects the pipelines write themselves (artifacts) start
 * nothing unless a source action watches exactly that bucket and key.
 */

export const S3_SOURCE = "Source/AWS/S3/1";

/** The bucket, key and ETag of a created object. */
export interface CreatedObjectRef {
  bucket: string;
  key: string;
  etag: string;
}

export function createdObjectOf(event: BusEvent): CreatedObjectRef | undefined {
  if (event.source !== OBJECT_CREATED_SOURCE || event["detail-type"] !== OBJECT_CREATED) return undefined;
  const bucket = (event.detail["bucket"] as { name?: unknown } | undefined)?.name;
  const object = event.detail["object"] as { key?: unknown; etag?: unknown } | undefined;
  if (typeof bucket !== "string" || typeof object?.key !== "string" || typeof object.etag !== "string") {
    return undefined;
  }
  return { bucket, key: object.key, etag: object.etag };
}

/** Bus subscriber: starts the pipelines whose S3 source watches the created object. */
export function createObjectCreatedHandler(rt: ExecutionRuntime) {
  return async (event: BusEvent): Promise<void> => {
    const created = createdObjectOf(event);
    if (!created) return;
    const pipelines = await rt.pipelines.current(rt.store.db, {
      accountId: event.account,
      region: event.region,
    });
    for (const pipeline of pipelines) {
      const [action] = sourceActions(
        pipeline,
        S3_SOURCE,
        (c) => c["S3Bucket"] === created.bucket && c["S3ObjectKey"] === created.key,
      );
      if (!action) continue;
      await startForChange(rt, event, pipeline, {
        trigger: { triggerType: "CloudWatchEvent", triggerDetail: `arn:aws:s3:::${created.bucket}` },
        action,
        revisionType: "S3_OBJECT_VERSION_ID",
        revisionValue: created.etag,
      });
    }
  };
}
