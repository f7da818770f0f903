// Typed wrappers for the CodeDeploy operations the console calls. Shapes follow the AWS API reference;
// only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { callAws } from "../api";
import { chunks } from "./batch";

/** AWS's per-call limit for BatchGetApplications, BatchGetDeploymentGroups and BatchGetOnPremisesInstances. */
const LARGE_BATCH = 100;

export interface ApplicationInfo {
  applicationId?: string;
  applicationName: string;
  createTime?: number;
  computePlatform?: string;
}

export interface TagFilter {
  Key?: string;
  Value?: string;
  Type?: "KEY_ONLY" | "VALUE_ONLY" | "KEY_AND_VALUE";
}

export interface LastDeploymentInfo {
  deploymentId?: string;
  status?: string;
  endTime?: number;
  createTime?: number;
}

export interface DeploymentStyle {
  deploymentType?: "IN_PLACE" | "BLUE_GREEN";
  deploymentOption?: "WITH_TRAFFIC_CONTROL" | "WITHOUT_TRAFFIC_CONTROL";
}

export interface LoadBalancerInfo {
  elbInfoList?: { name?: string }[];
  targetGroupInfoList?: { name?: string }[];
  targetGroupPairInfoList?: { targetGroups?: { name?: string }[] }[];
}

export interface DeploymentGroupInfo {
  applicationName?: string;
  deploymentGroupId?: string;
  deploymentGroupName: string;
  deploymentConfigName?: string;
  serviceRoleArn?: string;
  onPremisesInstanceTagFilters?: TagFilter[];
  onPremisesTagSet?: { onPremisesTagSetList?: TagFilter[][] };
  autoRollbackConfiguration?: { enabled?: boolean; events?: string[] };
  alarmConfiguration?: { enabled?: boolean; ignorePollAlarmFailure?: boolean; alarms?: { name?: string }[] };
  deploymentStyle?: DeploymentStyle;
  loadBalancerInfo?: LoadBalancerInfo;
  lastSuccessfulDeployment?: LastDeploymentInfo;
  lastAttemptedDeployment?: LastDeploymentInfo;
  computePlatform?: string;
}

export interface RevisionLocation {
  revisionType?: string;
  s3Location?: { bucket?: string; key?: string; bundleType?: string; version?: string; eTag?: string };
  gitHubLocation?: { repository?: string; commitId?: string };
  string?: { content?: string };
  appSpecContent?: { content?: string };
}

export interface DeploymentInfo {
  deploymentId: string;
  applicationName?: string;
  deploymentGroupName?: string;
  deploymentConfigName?: string;
  status?: string;
  description?: string;
  creator?: string;
  createTime?: number;
  startTime?: number;
  completeTime?: number;
  revision?: RevisionLocation;
  errorInformation?: { code?: string; message?: string };
  deploymentOverview?: Record<string, number>;
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  deploymentStyle?: DeploymentStyle;
}

export interface LifecycleEvent {
  lifecycleEventName?: string;
  status?: string;
  startTime?: number;
  endTime?: number;
  diagnostics?: { errorCode?: string; scriptName?: string; message?: string; logTail?: string };
}

export interface InstanceTarget {
  deploymentId?: string;
  targetId?: string;
  targetArn?: string;
  status?: string;
  lastUpdatedAt?: number;
  lifecycleEvents?: LifecycleEvent[];
  instanceLabel?: string;
}

export interface OnPremisesInstance {
  instanceName: string;
  instanceArn?: string;
  iamUserArn?: string;
  iamSessionArn?: string;
  registerTime?: number;
  deregisterTime?: number;
  tags?: { Key?: string; Value?: string }[];
}

const CD = "CodeDeploy_20141006";

/** Every page of a paginated list operation, `pick` taking each page's items. */
async function allPages<Page extends { nextToken?: string }>(
  call: (nextToken: string | undefined) => Promise<Page>,
  pick: (page: Page) => string[] | undefined,
): Promise<string[]> {
  const items: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(nextToken);
    items.push(...(pick(page) ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

export async function listApplications(): Promise<string[]> {
  return allPages(
    (nextToken) =>
      callAws<{ applications?: string[]; nextToken?: string }>(`${CD}.ListApplications`, {
        ...(nextToken && { nextToken }),
      }),
    (page) => page.applications,
  );
}

export async function batchGetApplications(names: readonly string[]): Promise<ApplicationInfo[]> {
  const pages = await Promise.all(
    chunks(names, LARGE_BATCH).map((applicationNames) =>
      callAws<{ applicationsInfo?: ApplicationInfo[] }>(`${CD}.BatchGetApplications`, { applicationNames }),
    ),
  );
  return pages.flatMap((page) => page.applicationsInfo ?? []);
}

export async function getApplication(applicationName: string): Promise<ApplicationInfo | undefined> {
  const output = await callAws<{ application?: ApplicationInfo }>(`${CD}.GetApplication`, {
    applicationName,
  });
  return output.application;
}

export async function listDeploymentGroups(applicationName: string): Promise<string[]> {
  return allPages(
    (nextToken) =>
      callAws<{ deploymentGroups?: string[]; nextToken?: string }>(`${CD}.ListDeploymentGroups`, {
        applicationName,
        ...(nextToken && { nextToken }),
      }),
    (page) => page.deploymentGroups,
  );
}

export async function batchGetDeploymentGroups(
  applicationName: string,
  names: readonly string[],
): Promise<DeploymentGroupInfo[]> {
  const pages = await Promise.all(
    chunks(names, LARGE_BATCH).map((deploymentGroupNames) =>
      callAws<{ deploymentGroupsInfo?: DeploymentGroupInfo[] }>(`${CD}.BatchGetDeploymentGroups`, {
        applicationName,
        deploymentGroupNames,
      }),
    ),
  );
  return pages.flatMap((page) => page.deploymentGroupsInfo ?? []);
}

export async function getDeploymentGroup(
  applicationName: string,
  deploymentGroupName: string,
): Promise<DeploymentGroupInfo | undefined> {
  const output = await callAws<{ deploymentGroupInfo?: DeploymentGroupInfo }>(`${CD}.GetDeploymentGroup`, {
    applicationName,
    deploymentGroupName,
  });
  return output.deploymentGroupInfo;
}

export async function listDeployments(input: {
  applicationName?: string;
  deploymentGroupName?: string;
  includeOnlyStatuses?: string[];
  nextToken?: string;
}): Promise<{ deployments?: string[]; nextToken?: string }> {
  return callAws(`${CD}.ListDeployments`, input);
}

export async function batchGetDeployments(ids: readonly string[]): Promise<DeploymentInfo[]> {
  const pages = await Promise.all(
    chunks(ids).map((deploymentIds) =>
      callAws<{ deploymentsInfo?: DeploymentInfo[] }>(`${CD}.BatchGetDeployments`, {
        deploymentIds,
      }),
    ),
  );
  const byId = new Map(pages.flatMap((page) => page.deploymentsInfo ?? []).map((d) => [d.deploymentId, d]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function getDeployment(deploymentId: string): Promise<DeploymentInfo | undefined> {
  const output = await callAws<{ deploymentInfo?: DeploymentInfo }>(`${CD}.GetDeployment`, { deploymentId });
  return output.deploymentInfo;
}

/** A deployment's instance targets: ListDeploymentTargets page by page, then BatchGetDeploymentTargets. */
export async function deploymentInstanceTargets(deploymentId: string): Promise<InstanceTarget[]> {
  const ids = await allPages(
    (nextToken) =>
      callAws<{ targetIds?: string[]; nextToken?: string }>(`${CD}.ListDeploymentTargets`, {
        deploymentId,
        ...(nextToken && { nextToken }),
      }),
    (page) => page.targetIds,
  );
  return batchGetInstanceTargets(deploymentId, ids);
}

export async function batchGetInstanceTargets(
  deploymentId: string,
  targetIds: readonly string[],
): Promise<InstanceTarget[]> {
  const pages = await Promise.all(
    chunks(targetIds).map((ids) =>
      callAws<{ deploymentTargets?: { instanceTarget?: InstanceTarget }[] }>(
        `${CD}.BatchGetDeploymentTargets`,
        { deploymentId, targetIds: ids },
      ),
    ),
  );
  return pages.flatMap((page) =>
    (page.deploymentTargets ?? []).flatMap((t) => (t.instanceTarget ? [t.instanceTarget] : [])),
  );
}

/** Every registered on-premises instance with its tags. */
export async function registeredOnPremisesInstances(): Promise<OnPremisesInstance[]> {
  const names = await allPages(
    (nextToken) =>
      callAws<{ instanceNames?: string[]; nextToken?: string }>(`${CD}.ListOnPremisesInstances`, {
        registrationStatus: "Registered",
        ...(nextToken && { nextToken }),
      }),
    (page) => page.instanceNames,
  );
  const pages = await Promise.all(
    chunks(names, LARGE_BATCH).map((instanceNames) =>
      callAws<{ instanceInfos?: OnPremisesInstance[] }>(`${CD}.BatchGetOnPremisesInstances`, {
        instanceNames,
      }),
    ),
  );
  return pages.flatMap((page) => page.instanceInfos ?? []);
}

export async function stopDeployment(input: {
  deploymentId: string;
  autoRollbackEnabled?: boolean;
}): Promise<{ status?: string; statusMessage?: string }> {
  return callAws(`${CD}.StopDeployment`, input);
}

export async function createDeployment(input: {
  applicationName: string;
  deploymentGroupName: string;
  revision: RevisionLocation;
  description?: string;
}): Promise<{ deploymentId?: string }> {
  return callAws(`${CD}.CreateDeployment`, input);
}
