import type { Migration } from "./types.js";

/** CodeCommit repositories and the branch and tag positions the server has recorded for each. */
export const codecommitMigration: Migration = {
  name: "0008-codecommit",
  async up(db) {
    await db.schema
      .createTable("codecommit_repositories")
      .addColumn("repository_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("description", "text")
      .addColumn("default_branch", "text")
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("triggers", "text", (c) => c.notNull())
      .addColumn("triggers_config_id", "text", (c) => c.notNull())
      .addColumn("kms_key_id", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_modified_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("codecommit_repositories_name", ["account_id", "region", "name"])
      .execute();
    await db.schema
      .createTable("codecommit_refs")
      .addColumn("repository_id", "text", (c) =>
        c.notNull().references("codecommit_repositories.repository_id").onDelete("cascade"),
      )
      .addColumn("ref_name", "text", (c) => c.notNull())
      .addColumn("commit_id", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("codecommit_refs_pk", ["repository_id", "ref_name"])
      .execute();
  },
};
