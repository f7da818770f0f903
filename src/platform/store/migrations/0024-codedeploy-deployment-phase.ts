import type { Migration } from "./types.js";

/** Where a blue/green deployment is: installing the replacement instances, waiting, rerouting, blocking, terminating. */
export const codedeployDeploymentPhaseMigration: Migration = {
  name: "0024-codedeploy-deployment-phase",
  async up(db) {
    await db.schema.alterTable("codedeploy_deployments").addColumn("phase", "text").execute();
  },
};
