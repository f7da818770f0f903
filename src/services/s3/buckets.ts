import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";
import { noSuchBucket, s3Error } from "./errors.js";
import { validateBucketName } from "./names.js";
import { deleteBlobs, lockBucket, ownerOf } from "./rows.js";
import type { Owner, S3Caller, S3Deps } from "./types.js";

/** A bucket as ListBuckets and HeadBucket describe it. */
export interface BucketInfo {
  name: string;
  region: string;
  createdAt: number;
}

/**
 * CreateBucket. A location constraint other than the server's own region is refused, since every
 * bucket here lives in that region.
 */
export async function createBucket(
  deps: S3Deps,
  caller: S3Caller,
  input: { bucket: string; locationConstraint?: string },
): Promise<void> {
  validateBucketName(input.bucket);
  if (input.locationConstraint !== undefined && input.locationConstraint !== deps.region) {
    throw s3Error(
      "IllegalLocationConstraintException",
      `The ${input.locationConstraint} location constraint is incompatible for the region specific endpoint this request was sent to (${deps.region}).`,
    );
  }
  await deps.store.transaction(async (trx) => {
    const existing = await trx
      .selectFrom("s3_buckets")
      .select("account_id")
      .where("name", "=", input.bucket)
      .executeTakeFirst();
    if (existing) {
      throw s3Error(
        existing.account_id === caller.accountId ? "BucketAlreadyOwnedByYou" : "BucketAlreadyExists",
        undefined,
        { BucketName: input.bucket },
      );
    }
    await trx
      .insertInto("s3_buckets")
      .values({
        name: input.bucket,
        account_id: caller.accountId,
        region: deps.region,
        created_at: deps.now(),
      })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
  });
  // A concurrent create of the same name wins the insert; make sure it was this one.
  const row = await deps.store.db
    .selectFrom("s3_buckets")
    .select("account_id")
    .where("name", "=", input.bucket)
    .executeTakeFirst();
  if (row?.account_id !== caller.accountId)
    throw s3Error("BucketAlreadyExists", undefined, { BucketName: input.bucket });
}

/** DeleteBucket: only an empty bucket; multipart uploads still in progress are aborted with it. */
export async function deleteBucket(deps: S3Deps, bucket: string): Promise<void> {
  const partBlobs = await deps.store.transaction(async (trx) => {
    await lockBucket(trx, deps.store.dialect, bucket);
    const object = await trx
      .selectFrom("s3_objects")
      .select("key")
      .where("bucket", "=", bucket)
      .limit(1)
      .executeTakeFirst();
    if (object) throw s3Error("BucketNotEmpty", undefined, { BucketName: bucket });
    const parts = await trx
      .selectFrom("s3_upload_parts as p")
      .innerJoin("s3_uploads as u", "u.upload_id", "p.upload_id")
      .select("p.blob_id")
      .where("u.bucket", "=", bucket)
      .execute();
    await trx.deleteFrom("s3_uploads").where("bucket", "=", bucket).execute();
    await trx.deleteFrom("s3_buckets").where("name", "=", bucket).execute();
    return parts.map((p) => p.blob_id);
  });
  await deleteBlobs(deps, partBlobs);
}

/** HeadBucket (and the existence check behind other bucket operations). */
export async function getBucket(deps: S3Deps, bucket: string): Promise<BucketInfo> {
  const row = await deps.store.db
    .selectFrom("s3_buckets")
    .select(["name", "region", "created_at"])
    .where("name", "=", bucket)
    .executeTakeFirst();
  if (!row) throw noSuchBucket(bucket);
  return { name: row.name, region: row.region, createdAt: Number(row.created_at) };
}

/**
 * The region of bucket `bucket`, or undefined when there is none: the existence check other
 * services make (a pipeline's artifact store). `executor` is the caller's transaction when it has
 * one (SQLite has one connection: a query beside an open transaction would wait for it forever).
 */
export async function bucketRegion(
  deps: S3Deps,
  bucket: string,
  executor: Kysely<Database> = deps.store.db,
): Promise<string | undefined> {
  const row = await executor
    .selectFrom("s3_buckets")
    .select("region")
    .where("name", "=", bucket)
    .executeTakeFirst();
  return row?.region;
}

/** What ListBuckets returns. */
export interface BucketList {
  owner: Owner;
  buckets: BucketInfo[];
  /** Name of the last bucket returned, when more follow. */
  continueAfter?: string;
}

/** ListBuckets, in name order; `maxBuckets` and `after` page through them (S3's newer paginated form). */
export async function listBuckets(
  deps: S3Deps,
  caller: S3Caller,
  input: { prefix?: string; after?: string; maxBuckets?: number },
): Promise<BucketList> {
  const limit = input.maxBuckets ?? 10_000;
  const prefix = input.prefix ?? "";
  // Names at or after the prefix, in order: those that start with it come first, so one more row
  // than a page says whether another page of matching names exists.
  const rows = await deps.store.db
    .selectFrom("s3_buckets")
    .select(["name", "region", "created_at"])
    .where("account_id", "=", caller.accountId)
    .$if(input.after !== undefined, (q) => q.where("name", ">", input.after!))
    .$if(prefix !== "", (q) => q.where("name", ">=", prefix))
    .orderBy("name")
    .limit(limit + 1)
    .execute();
  const matching = rows.filter((r) => r.name.startsWith(prefix));
  const page = matching.slice(0, limit);
  return {
    owner: ownerOf(caller.accountId),
    buckets: page.map((r) => ({ name: r.name, region: r.region, createdAt: Number(r.created_at) })),
    continueAfter: matching.length > limit ? page.at(-1)?.name : undefined,
  };
}
