import type { S3Deps } from "./types.js";

/**
 * Deletes blobs that no object or part refers to and that were stored before `before` (epoch ms).
 * They are what a crash leaves between writing a blob and committing its row, or between replacing
 * a row and deleting the old blob. Blobs stored after `before` are never touched, since their rows
 * may be about to commit. Returns how many were deleted.
 */
export async function sweepOrphanBlobs(deps: S3Deps, before: number): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    const ids = batch;
    batch = [];
    if (ids.length === 0) return;
    const [objects, parts] = await Promise.all([
      deps.store.db.selectFrom("s3_objects").select("blob_id").where("blob_id", "in", ids).execute(),
      deps.store.db.selectFrom("s3_upload_parts").select("blob_id").where("blob_id", "in", ids).execute(),
    ]);
    const referenced = new Set([...objects, ...parts].map((r) => r.blob_id));
    for (const id of ids) {
      if (referenced.has(id)) continue;
      await deps.blobs.delete(id);
      deleted++;
    }
  };
  for await (const blob of deps.blobs.list()) {
    if (blob.storedAt >= before) continue;
    batch.push(blob.id);
    if (batch.length >= 500) await flush();
  }
  await flush();
  return deleted;
}
