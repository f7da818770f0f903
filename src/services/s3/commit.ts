import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";
import { announceObjectCreated, type CreationReason } from "./announce.js";
import { checkWriteConditions } from "./conditions.js";
import { deleteBlobs, lockBucket } from "./rows.js";
import type { Conditions, S3Deps } from "./types.js";

/** A complete `s3_objects` row about to be written. */
export type NewObjectRow = Database["s3_objects"];

/** Options for {@link commitObject}. */
export interface CommitOptions {
  /** The operation writing the object, announced with it on the bus. */
  reason: CreationReason;
  /** Write conditions (If-Match, If-None-Match) checked against the current object. */
  conditions?: Conditions;
  /** More work inside the same transaction (CompleteMultipartUpload removes its upload there). */
  alsoInTransaction?: (trx: Kysely<Database>) => Promise<void>;
}

/**
 * Makes `row` the object at its bucket and key: the blob it names is already stored, this writes the
 * metadata in one transaction under the bucket lock, then deletes the blob it replaced. When the
 * transaction fails (bucket gone, a condition failed) the new blob is deleted instead, so a failed
 * write leaves nothing behind. The object's creation is announced on the bus in the same
 * transaction (announce.ts).
 */
export async function commitObject(deps: S3Deps, row: NewObjectRow, options: CommitOptions): Promise<void> {
  let replaced: string | undefined;
  try {
    replaced = await deps.store.transaction(async (trx) => {
      await lockBucket(trx, deps.store.dialect, row.bucket);
      const existing = await trx
        .selectFrom("s3_objects")
        .select(["blob_id", "etag", "last_modified"])
        .where("bucket", "=", row.bucket)
        .where("key", "=", row.key)
        .executeTakeFirst();
      if (options.conditions) {
        const current = existing && { etag: existing.etag, lastModified: Number(existing.last_modified) };
        checkWriteConditions(current, options.conditions, row.key);
      }
      await options.alsoInTransaction?.(trx);
      const { bucket: _b, key: _k, ...changes } = row;
      await trx
        .insertInto("s3_objects")
        .values(row)
        .onConflict((oc) => oc.columns(["bucket", "key"]).doUpdateSet(changes))
        .execute();
      await announceObjectCreated(deps, trx, {
        bucket: row.bucket,
        key: row.key,
        size: row.size,
        etag: row.etag,
        reason: options.reason,
      });
      return existing?.blob_id;
    });
  } catch (err) {
    await deleteBlobs(deps, [row.blob_id]);
    throw err;
  }
  if (replaced !== row.blob_id) await deleteBlobs(deps, [replaced]);
}
