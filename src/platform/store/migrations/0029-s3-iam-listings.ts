import type { Migration } from "./types.js";

/**
 * Indexes that let S3's and IAM's listings read one page in order: an account's buckets by name,
 * a user's SSH keys and service-specific credentials in upload order, and every credential of the
 * account in creation order (ListServiceSpecificCredentials with AllUsers).
 */
export const s3IamListingsMigration: Migration = {
  name: "0029-s3-iam-listings",
  async up(db) {
    await db.schema
      .createIndex("s3_buckets_account_name")
      .on("s3_buckets")
      .columns(["account_id", "name"])
      .execute();
    await db.schema
      .createIndex("iam_ssh_public_keys_user_uploaded")
      .on("iam_ssh_public_keys")
      .columns(["user_id", "uploaded_at", "ssh_public_key_id"])
      .execute();
    await db.schema
      .createIndex("iam_service_credentials_user_created")
      .on("iam_service_credentials")
      .columns(["user_id", "created_at", "credential_id"])
      .execute();
    await db.schema
      .createIndex("iam_service_credentials_created")
      .on("iam_service_credentials")
      .columns(["created_at", "credential_id"])
      .execute();
  },
};
