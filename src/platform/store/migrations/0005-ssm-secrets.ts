import type { Migration } from "./types.js";

/** SSM parameters with their version history, and Secrets Manager secrets with their versions. */
export const ssmSecretsMigration: Migration = {
  name: "0005-ssm-secrets",
  async up(db) {
    await db.schema
      .createTable("ssm_parameters")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("key_id", "text")
      .addColumn("description", "text")
      .addColumn("allowed_pattern", "text")
      .addColumn("tier", "text", (c) => c.notNull())
      .addColumn("data_type", "text", (c) => c.notNull())
      .addColumn("version", "bigint", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("last_modified_at", "bigint", (c) => c.notNull())
      .addColumn("last_modified_user", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("ssm_parameters_pk", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("ssm_parameter_versions")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("version", "bigint", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("key_id", "text")
      .addColumn("description", "text")
      .addColumn("allowed_pattern", "text")
      .addColumn("tier", "text", (c) => c.notNull())
      .addColumn("data_type", "text", (c) => c.notNull())
      .addColumn("labels", "text", (c) => c.notNull())
      .addColumn("modified_at", "bigint", (c) => c.notNull())
      .addColumn("modified_user", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("ssm_parameter_versions_pk", ["account_id", "region", "name", "version"])
      .execute();

    await db.schema
      .createTable("secretsmanager_secrets")
      .addColumn("arn", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("description", "text")
      .addColumn("kms_key_id", "text")
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_changed_at", "bigint", (c) => c.notNull())
      .addColumn("last_accessed_at", "bigint")
      .addColumn("deleted_at", "bigint")
      .addColumn("deletion_date", "bigint")
      // A name stays taken through the recovery window, as on AWS.
      .addUniqueConstraint("secretsmanager_secrets_name", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("secretsmanager_secret_versions")
      .addColumn("secret_arn", "text", (c) =>
        c.notNull().references("secretsmanager_secrets.arn").onDelete("cascade"),
      )
      .addColumn("version_id", "text", (c) => c.notNull())
      .addColumn("stages", "text", (c) => c.notNull())
      .addColumn("value_type", "text", (c) => c.notNull())
      .addColumn("ciphertext", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_accessed_at", "bigint")
      .addPrimaryKeyConstraint("secretsmanager_secret_versions_pk", ["secret_arn", "version_id"])
      .execute();
  },
};
