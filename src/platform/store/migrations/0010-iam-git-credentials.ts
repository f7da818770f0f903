import type { Migration } from "./types.js";

/** IAM service-specific credentials (HTTPS git user names and passwords). SSH keys have their own migration. */
export const iamGitCredentialsMigration: Migration = {
  name: "0010-iam-git-credentials",
  async up(db) {
    await db.schema
      .createTable("iam_service_credentials")
      .addColumn("credential_id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("iam_users.user_id").onDelete("cascade"))
      .addColumn("service_name", "text", (c) => c.notNull())
      .addColumn("service_user_name", "text", (c) => c.notNull().unique())
      .addColumn("password_salt", "text", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("iam_service_credentials_user")
      .on("iam_service_credentials")
      .columns(["user_id", "service_name"])
      .execute();
  },
};
