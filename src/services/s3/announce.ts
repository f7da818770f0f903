import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";
import type { S3Deps } from "./types.js";

/**
 * The bus event that says an object was created or overwritten, recorded in the transaction that
 * commits the object: a crash after the commit cannot lose it, and none is recorded for a write
 * that did not commit.
 *
 * AWS sends S3's "Object Created" events (source `aws.s3`) to EventBridge only for buckets whose
 * notification configuration enables EventBridge, and this server's S3 has no notification
 * configuration (PutBucketNotificationConfiguration answers NotImplemented). So the event is
 * Pipewright's own (source `pipewright.s3`): rules written for AWS, which match `aws.s3`, never see
 * an event AWS would not have sent them. Its detail has the shape of AWS's "Object Created" detail,
 * for the subscribers inside the server (CodePipeline's S3 source change detection).
 */
export const OBJECT_CREATED_SOURCE = "pipewright.s3";
export const OBJECT_CREATED = "Object Created";

/** The operations that create objects, as AWS's event detail names them in `reason`. */
export type CreationReason = "PutObject" | "CopyObject" | "CompleteMultipartUpload";

/** What {@link announceObjectCreated} says about the new object. */
export interface CreatedObject {
  bucket: string;
  key: string;
  size: number;
  /** Quoted, as stored; the event carries it bare, as AWS's detail does. */
  etag: string;
  reason: CreationReason;
}

/** Records the "Object Created" event in `trx`, when the server gave S3 a bus. */
export async function announceObjectCreated(
  deps: S3Deps,
  trx: Kysely<Database>,
  object: CreatedObject,
): Promise<void> {
  if (!deps.bus) return;
  await deps.bus.emit(trx, {
    source: OBJECT_CREATED_SOURCE,
    detailType: OBJECT_CREATED,
    account: deps.accountId,
    region: deps.region,
    resources: [`arn:aws:s3:::${object.bucket}`],
    detail: {
      version: "0",
      bucket: { name: object.bucket },
      object: {
        key: object.key,
        size: object.size,
        etag: object.etag.replace(/^"(.*)"$/, "$1"),
        // Buckets here keep no versions: every object is the "null" version.
        "version-id": "null",
      },
      reason: object.reason,
    },
  });
}
