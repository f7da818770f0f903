import { sql } from "kysely";
import type { Migration } from "./types.js";

export const s3Migration: Migration = {
  name: "0004-s3",
  async up(db, dialect) {
    // S3 lists keys in UTF-8 byte order. SQLite's default BINARY collation already compares bytes;
    // PostgreSQL needs the C collation, or the database's locale would reorder keys (and the
    // primary-key index would not serve ordered listings).
    const keyType = dialect === "postgres" ? sql`text collate "C"` : sql`text`;
    await db.schema
      .createTable("s3_buckets")
      .addColumn("name", keyType, (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("s3_objects")
      .addColumn("bucket", keyType, (c) => c.notNull().references("s3_buckets.name"))
      .addColumn("key", keyType, (c) => c.notNull())
      .addColumn("blob_id", "text", (c) => c.notNull())
      .addColumn("size", "bigint", (c) => c.notNull())
      .addColumn("etag", "text", (c) => c.notNull())
      .addColumn("content_type", "text", (c) => c.notNull())
      .addColumn("headers", "text", (c) => c.notNull())
      .addColumn("metadata", "text", (c) => c.notNull())
      .addColumn("checksum_algorithm", "text")
      .addColumn("checksum_value", "text")
      .addColumn("checksum_type", "text")
      .addColumn("parts_count", "integer")
      .addColumn("last_modified", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("s3_objects_pk", ["bucket", "key"])
      .execute();
    // Blob ids are looked up when a sweep looks for blobs no row refers to.
    await db.schema.createIndex("s3_objects_blob").on("s3_objects").column("blob_id").execute();
    await db.schema
      .createTable("s3_uploads")
      .addColumn("upload_id", "text", (c) => c.primaryKey())
      .addColumn("bucket", keyType, (c) => c.notNull().references("s3_buckets.name"))
      .addColumn("key", keyType, (c) => c.notNull())
      .addColumn("content_type", "text", (c) => c.notNull())
      .addColumn("headers", "text", (c) => c.notNull())
      .addColumn("metadata", "text", (c) => c.notNull())
      .addColumn("checksum_algorithm", "text")
      .addColumn("checksum_type", "text")
      .addColumn("initiator_arn", "text", (c) => c.notNull())
      .addColumn("initiated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("s3_uploads_bucket_key")
      .on("s3_uploads")
      .columns(["bucket", "key", "upload_id"])
      .execute();
    await db.schema
      .createTable("s3_upload_parts")
      .addColumn("upload_id", "text", (c) =>
        c.notNull().references("s3_uploads.upload_id").onDelete("cascade"),
      )
      .addColumn("part_number", "integer", (c) => c.notNull())
      .addColumn("blob_id", "text", (c) => c.notNull())
      .addColumn("size", "bigint", (c) => c.notNull())
      .addColumn("etag", "text", (c) => c.notNull())
      .addColumn("checksum_value", "text")
      .addColumn("last_modified", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("s3_upload_parts_pk", ["upload_id", "part_number"])
      .execute();
    await db.schema.createIndex("s3_upload_parts_blob").on("s3_upload_parts").column("blob_id").execute();
  },
};
