import type { DeploymentRow } from "../deployments/rows.js";
import { parsePlan } from "../deployments/rows.js";
import { lifecycleEventsFor, SERVER_EVENTS } from "../deployments/lifecycle.js";

/**
 * The deployment specification an agent asks for (GetDeploymentSpecification): the fields AWS's
 * agent reads from it, as JSON. AWS signs it (`PKCS7/JSON`, verified against AWS's certificate
 * chain); this server sends it as `TEXT/JSON` over the agent's own signed HTTPS or loopback
 * connection — so AWS's stock agent, which accepts only signed specifications outside its local
 * developer mode, cannot run deployments from this server unchanged.
 */
export function deploymentSpecification(deployment: DeploymentRow): Record<string, unknown> {
  const plan = parsePlan(deployment);
  const revision = plan.revision;
  const spec: Record<string, unknown> = {
    DeploymentId: deployment.deployment_id,
    DeploymentGroupId: deployment.deployment_group_id,
    DeploymentGroupName: deployment.deployment_group_name,
    ApplicationName: deployment.application_name,
    DeploymentCreator: deployment.creator,
    DeploymentType: plan.deploymentStyle.deploymentType,
    AppSpecFilename: "appspec.yml",
    // The events this deployment's instances go through, in order: an agent run with --once knows
    // the last one is its end.
    AllPossibleLifecycleEvents: lifecycleEventsFor(plan.deploymentStyle).filter((e) => !SERVER_EVENTS.has(e)),
    AgentActionOverrides: { AgentOverrides: { FileExistsBehavior: plan.fileExistsBehavior ?? "DISALLOW" } },
  };
  if (revision.revisionType === "AppSpecContent") {
    spec.Revision = {
      RevisionType: "AppSpecContent",
      AppSpecContent: { Content: revision.appSpecContent?.content ?? "" },
    };
  } else {
    const s3 = revision.s3Location ?? { bucket: "", key: "" };
    spec.Revision = {
      RevisionType: "S3",
      S3Revision: {
        Bucket: s3.bucket,
        Key: s3.key,
        BundleType: s3.bundleType ?? "zip",
        ...(s3.version !== undefined ? { Version: s3.version } : {}),
        ...(s3.eTag !== undefined ? { ETag: s3.eTag } : {}),
      },
    };
  }
  return spec;
}
