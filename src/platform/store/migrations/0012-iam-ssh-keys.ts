import type { Migration } from "./types.js";

/** IAM SSH public keys: what `ssh://<key id>@host/v1/repos/<name>` authenticates with. */
export const iamSshKeysMigration: Migration = {
  name: "0012-iam-ssh-keys",
  async up(db) {
    await db.schema
      .createTable("iam_ssh_public_keys")
      .addColumn("ssh_public_key_id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("iam_users.user_id").onDelete("cascade"))
      .addColumn("key_type", "text", (c) => c.notNull())
      .addColumn("key_blob", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("fingerprint", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("uploaded_at", "bigint", (c) => c.notNull())
      // One user cannot hold the same key twice (DuplicateSSHPublicKey).
      .addUniqueConstraint("iam_ssh_public_keys_user_key", ["user_id", "fingerprint"])
      .execute();
  },
};
