import type { Migration } from "./types.js";

export const iamMigration: Migration = {
  name: "0001-iam",
  async up(db) {
    await db.schema
      .createTable("iam_users")
      .addColumn("user_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("user_name", "text", (c) => c.notNull())
      .addColumn("path", "text", (c) => c.notNull())
      .addColumn("arn", "text", (c) => c.notNull())
      .addColumn("is_root", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("iam_users_account_name", ["account_id", "user_name"])
      .execute();
    await db.schema
      .createTable("iam_access_keys")
      .addColumn("access_key_id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("iam_users.user_id").onDelete("cascade"))
      .addColumn("secret_ciphertext", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
  },
};
