import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { FINAL_DEPLOYMENT_STATUSES } from "./rows.js";
import { startDeployment } from "./operations.js";
import type { DeploymentRuntime } from "./runtime.js";

/**
 * Deployments other services start: CodePipeline's Deploy / AWS / CodeDeploy action deploys its
 * input artifact (a zip in the pipeline's artifact store, already looked up by the pipeline) to a
 * deployment group, in the pipeline's own transaction, so the action and its deployment are
 * recorded together or not at all.
 */
export interface DeploymentRequest {
  accountId: string;
  region: string;
  applicationName: string;
  deploymentGroupName: string;
  /** An object of this server's S3 API; `eTag` as HeadObject answered it. */
  revision: { bucket: string; key: string; bundleType: "zip" | "tar" | "tgz"; eTag: string };
  description?: string;
}

/** Where a deployment stands, as a pipeline action reports it. */
export interface DeploymentOutcome {
  id: string;
  status: string;
  complete: boolean;
  /** AWS's errorInformation of a deployment that did not succeed. */
  error?: { code: string; message: string };
  /** The deployment that rolled this one back, once it exists. */
  rollbackDeploymentId?: string;
}

export interface DeploymentStarter {
  /** Creates the deployment in `executor` (the caller's transaction); throws CodeDeploy's errors. */
  startDeploymentFor(executor: Kysely<Database>, request: DeploymentRequest): Promise<string>;
  /** A deployment of the scope's account and region, or undefined when there is none. */
  deploymentOutcome(
    executor: Kysely<Database>,
    scope: { accountId: string; region: string },
    deploymentId: string,
  ): Promise<DeploymentOutcome | undefined>;
}

export function createDeploymentStarter(rt: DeploymentRuntime): DeploymentStarter {
  return {
    async startDeploymentFor(executor, request) {
      const { bucket, key, bundleType, eTag } = request.revision;
      const row = await startDeployment(
        rt,
        executor,
        request,
        {
          applicationName: request.applicationName,
          deploymentGroupName: request.deploymentGroupName,
          ...(request.description !== undefined ? { description: request.description } : {}),
        },
        { revisionType: "S3", s3Location: { bucket, key, bundleType, eTag: eTag.replace(/"/g, "") } },
      );
      return row.deployment_id;
    },
    async deploymentOutcome(executor, scope, deploymentId) {
      const row = await executor
        .selectFrom("codedeploy_deployments")
        .select(["deployment_id", "status", "error_code", "error_message", "rollback_info"])
        .where("deployment_id", "=", deploymentId)
        .where("account_id", "=", scope.accountId)
        .where("region", "=", scope.region)
        .executeTakeFirst();
      if (!row) return undefined;
      const rollback =
        row.rollback_info !== null
          ? (JSON.parse(row.rollback_info) as { rollbackDeploymentId?: string })
          : undefined;
      return {
        id: row.deployment_id,
        status: row.status,
        complete: FINAL_DEPLOYMENT_STATUSES.has(row.status),
        ...(row.error_code !== null
          ? { error: { code: row.error_code, message: row.error_message ?? "" } }
          : {}),
        ...(rollback?.rollbackDeploymentId ? { rollbackDeploymentId: rollback.rollbackDeploymentId } : {}),
      };
    },
  };
}
