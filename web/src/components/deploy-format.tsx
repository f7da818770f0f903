// How the CodeDeploy pages write a deployment group's settings and a deployment's revision.
import SpaceBetween from "@cloudscape-design/components/space-between";
import { formatTime } from "../format";
import { deploymentPath } from "../paths";
import type {
  DeploymentStyle,
  LastDeploymentInfo,
  LoadBalancerInfo,
  RevisionLocation,
  TagFilter,
} from "../services/codedeploy";
import { Status } from "../status";
import { ConsoleLink } from "./console-link";

/** "In place, with traffic control", as the CodeDeploy console words it. */
export function deploymentStyleText(style: DeploymentStyle | undefined): string {
  const type = style?.deploymentType === "BLUE_GREEN" ? "Blue/green" : "In place";
  const traffic =
    style?.deploymentOption === "WITH_TRAFFIC_CONTROL" ? "with traffic control" : "without traffic control";
  return `${type}, ${traffic}`;
}

/** "Key=Value", "Key (any value)" or "(any key)=Value", by the filter's type. */
export function tagFilterText(filter: TagFilter): string {
  switch (filter.Type) {
    case "KEY_ONLY":
      return `${filter.Key ?? ""} (any value)`;
    case "VALUE_ONLY":
      return `(any key)=${filter.Value ?? ""}`;
    default:
      return `${filter.Key ?? ""}=${filter.Value ?? ""}`;
  }
}

export function loadBalancerText(info: LoadBalancerInfo | undefined): string {
  const names = [
    ...(info?.elbInfoList ?? []).map((e) => `Classic Load Balancer ${e.name ?? ""}`),
    ...(info?.targetGroupInfoList ?? []).map((t) => `Target group ${t.name ?? ""}`),
    ...(info?.targetGroupPairInfoList ?? []).flatMap((p) =>
      (p.targetGroups ?? []).map((t) => `Target group ${t.name ?? ""}`),
    ),
  ];
  return names.length === 0 ? "-" : names.join(", ");
}

export function revisionText(revision: RevisionLocation | undefined): string {
  if (!revision) return "-";
  const s3 = revision.s3Location;
  if (s3) {
    return `s3://${s3.bucket ?? ""}/${s3.key ?? ""}${s3.bundleType ? ` (${s3.bundleType})` : ""}`;
  }
  const gitHub = revision.gitHubLocation;
  if (gitHub) return `${gitHub.repository ?? ""} @ ${gitHub.commitId ?? ""}`;
  if (revision.string || revision.appSpecContent) return "AppSpec content";
  return revision.revisionType ?? "-";
}

/** A deployment group's last attempted or successful deployment: its status, link and time. */
export function LastDeployment({ info }: { info: LastDeploymentInfo | undefined }) {
  if (!info?.deploymentId) return <>-</>;
  return (
    <SpaceBetween direction="horizontal" size="xs">
      <Status status={info.status} />
      <ConsoleLink path={deploymentPath(info.deploymentId)}>{info.deploymentId}</ConsoleLink>
      <span>{formatTime(info.endTime ?? info.createTime)}</span>
    </SpaceBetween>
  );
}
