import { byteOrdered, type Migration } from "./types.js";

/**
 * Indexes in the order CodeDeploy's deployment listings answer, so that a page reads one page of
 * rows: ListDeployments newest first (the whole account's, or one group's), and a deployment's
 * targets in the order it took them (ListDeploymentTargets, ListDeploymentInstances), and an
 * application's revisions by each time ListApplicationRevisions sorts by.
 */
export const codedeployListingsMigration: Migration = {
  name: "0032-codedeploy-listings",
  async up(db, dialect) {
    await db.schema
      .createIndex("codedeploy_deployments_newest")
      .on("codedeploy_deployments")
      .columns(["account_id", "region", "create_time", "deployment_id"])
      .execute();
    // One group's deployments, ending with the ID that breaks ties between equal creation times;
    // it answers everything the index it replaces did.
    await db.schema
      .createIndex("codedeploy_deployments_group_newest")
      .on("codedeploy_deployments")
      .columns([
        "account_id",
        "region",
        "application_name",
        "deployment_group_name",
        "create_time",
        "deployment_id",
      ])
      .execute();
    await db.schema.dropIndex("codedeploy_deployments_by_group").execute();
    await db.schema
      .createIndex("codedeploy_deployment_targets_position")
      .on("codedeploy_deployment_targets")
      .columns(["deployment_id", "position"])
      .execute();
    for (const time of ["register_time", "first_used_time", "last_used_time"]) {
      await db.schema
        .createIndex(`codedeploy_revisions_by_${time}`)
        .on("codedeploy_revisions")
        .columns(["application_id", time, "revision_key"])
        .execute();
    }
    // Revisions of equal time resume after a key: byte-ordered on PostgreSQL, as on SQLite.
    await byteOrdered(db, dialect, "codedeploy_revisions", ["revision_key"]);
  },
};
