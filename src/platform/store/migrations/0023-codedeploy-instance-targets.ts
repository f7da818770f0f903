import type { Migration } from "./types.js";

/** An instance's deployments: a late-joining agent is caught up unless it was a target since its group's last success. */
export const codedeployInstanceTargetsMigration: Migration = {
  name: "0023-codedeploy-instance-targets",
  async up(db) {
    await db.schema
      .createIndex("codedeploy_deployment_targets_by_instance")
      .on("codedeploy_deployment_targets")
      .columns(["account_id", "region", "target_id"])
      .execute();
  },
};
