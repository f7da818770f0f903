// Typed wrappers for the CodeDeploy operations the console calls. Shapes follow the AWS API reference;
// only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { callAws } from "../api";
import { chunks } from "./batch";

export interface DeploymentInfo {
  deploymentId: string;
  applicationName?: string;
  deploymentGroupName?: string;
  status?: string;
  createTime?: number;
  startTime?: number;
  completeTime?: number;
}

export async function listDeployments(input: {
  includeOnlyStatuses?: string[];
  nextToken?: string;
}): Promise<{ deployments?: string[]; nextToken?: string }> {
  return callAws("CodeDeploy_20141006.ListDeployments", input);
}

export async function batchGetDeployments(ids: readonly string[]): Promise<DeploymentInfo[]> {
  const pages = await Promise.all(
    chunks(ids).map((deploymentIds) =>
      callAws<{ deploymentsInfo?: DeploymentInfo[] }>("CodeDeploy_20141006.BatchGetDeployments", {
        deploymentIds,
      }),
    ),
  );
  const byId = new Map(pages.flatMap((page) => page.deploymentsInfo ?? []).map((d) => [d.deploymentId, d]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
