/**
 * The lifecycle events of an EC2/On-Premises deployment, in AWS's order ("AppSpec 'hooks' section
 * for an EC2/On-Premises deployment"). Agents run every event but two: BlockTraffic and AllowTraffic
 * are the server's, done at the deployment group's load balancer.
 */

/** The events that install and start a revision on an instance. */
const INSTALL_EVENTS = [
  "ApplicationStop",
  "DownloadBundle",
  "BeforeInstall",
  "Install",
  "AfterInstall",
  "ApplicationStart",
  "ValidateService",
] as const;
const BLOCK_EVENTS = ["BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic"] as const;
const ALLOW_EVENTS = ["BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"] as const;

/** Events the server carries out itself, at the load balancer. */
export const SERVER_EVENTS: ReadonlySet<string> = new Set(["BlockTraffic", "AllowTraffic"]);

/** How a deployment reaches its instances: AWS's `DeploymentStyle`. */
export interface DeploymentStyle {
  deploymentType: "IN_PLACE" | "BLUE_GREEN";
  deploymentOption: "WITH_TRAFFIC_CONTROL" | "WITHOUT_TRAFFIC_CONTROL";
}

/** Which set an instance belongs to in a blue/green deployment. */
export type TargetLabel = "Blue" | "Green";

/**
 * The events one instance goes through. In place, with traffic control, the instance leaves the load
 * balancer before its application stops and rejoins it once validated. Blue/green: the replacement
 * (Green) instances install and then take traffic; the original (Blue) ones only give it up.
 */
export function lifecycleEventsFor(style: DeploymentStyle, label?: TargetLabel): string[] {
  const traffic = style.deploymentOption === "WITH_TRAFFIC_CONTROL";
  if (style.deploymentType === "BLUE_GREEN") {
    if (label === "Blue") return traffic ? [...BLOCK_EVENTS] : [];
    return traffic ? [...INSTALL_EVENTS, ...ALLOW_EVENTS] : [...INSTALL_EVENTS];
  }
  return traffic ? [...BLOCK_EVENTS, ...INSTALL_EVENTS, ...ALLOW_EVENTS] : [...INSTALL_EVENTS];
}
