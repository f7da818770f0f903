import { z } from "zod";
import { awsEnum } from "../../kit/index.js";
import type { RevisionLocation } from "../revisions/shapes.js";
import { TagFilterShape, type TagFilter } from "../shapes.js";

// The settings of a deployment group (botocore `codedeploy` 2014-10-06), shared by
// CreateDeploymentGroup and UpdateDeploymentGroup. The rules between members (filters and tag
// sets exclusive, what a style needs) are checked in checks.ts, with AWS's exceptions.

const EC2TagFilterShape = TagFilterShape;
const TagFilterList = z.array(TagFilterShape);

const TriggerConfigShape = z.object({
  triggerName: z.string().optional(),
  triggerTargetArn: z.string().optional(),
  triggerEvents: z
    .array(
      awsEnum([
        "DeploymentStart",
        "DeploymentSuccess",
        "DeploymentFailure",
        "DeploymentStop",
        "DeploymentRollback",
        "DeploymentReady",
        "InstanceStart",
        "InstanceSuccess",
        "InstanceFailure",
        "InstanceReady",
      ]),
    )
    .optional(),
});

const AlarmConfigurationShape = z.object({
  enabled: z.boolean().optional(),
  ignorePollAlarmFailure: z.boolean().optional(),
  alarms: z.array(z.object({ name: z.string().optional() })).optional(),
});

const AutoRollbackConfigurationShape = z.object({
  enabled: z.boolean().optional(),
  events: z
    .array(awsEnum(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"]))
    .optional(),
});

const DeploymentStyleShape = z.object({
  deploymentType: awsEnum(["IN_PLACE", "BLUE_GREEN"]).optional(),
  deploymentOption: awsEnum(["WITH_TRAFFIC_CONTROL", "WITHOUT_TRAFFIC_CONTROL"]).optional(),
});

const BlueGreenDeploymentConfigurationShape = z.object({
  terminateBlueInstancesOnDeploymentSuccess: z
    .object({
      action: awsEnum(["TERMINATE", "KEEP_ALIVE"]).optional(),
      terminationWaitTimeInMinutes: z.number().int().optional(),
    })
    .optional(),
  deploymentReadyOption: z
    .object({
      actionOnTimeout: awsEnum(["CONTINUE_DEPLOYMENT", "STOP_DEPLOYMENT"]).optional(),
      waitTimeInMinutes: z.number().int().optional(),
    })
    .optional(),
  greenFleetProvisioningOption: z
    .object({ action: awsEnum(["DISCOVER_EXISTING", "COPY_AUTO_SCALING_GROUP"]).optional() })
    .optional(),
});

const TargetGroupInfoShape = z.object({ name: z.string().optional() });
const TrafficRouteShape = z.object({ listenerArns: z.array(z.string()).optional() });
const LoadBalancerInfoShape = z.object({
  elbInfoList: z.array(z.object({ name: z.string().optional() })).optional(),
  targetGroupInfoList: z.array(TargetGroupInfoShape).optional(),
  targetGroupPairInfoList: z
    .array(
      z.object({
        targetGroups: z.array(TargetGroupInfoShape).optional(),
        prodTrafficRoute: TrafficRouteShape.optional(),
        testTrafficRoute: TrafficRouteShape.optional(),
      }),
    )
    .optional(),
});

/** Members CreateDeploymentGroup and UpdateDeploymentGroup share (names and tags aside). */
export const GroupSettingsShape = z.object({
  deploymentConfigName: z.string().optional(),
  ec2TagFilters: z.array(EC2TagFilterShape).optional(),
  onPremisesInstanceTagFilters: TagFilterList.optional(),
  autoScalingGroups: z.array(z.string()).optional(),
  serviceRoleArn: z.string().optional(),
  triggerConfigurations: z.array(TriggerConfigShape).optional(),
  alarmConfiguration: AlarmConfigurationShape.optional(),
  autoRollbackConfiguration: AutoRollbackConfigurationShape.optional(),
  outdatedInstancesStrategy: awsEnum(["UPDATE", "IGNORE"]).optional(),
  deploymentStyle: DeploymentStyleShape.optional(),
  blueGreenDeploymentConfiguration: BlueGreenDeploymentConfigurationShape.optional(),
  loadBalancerInfo: LoadBalancerInfoShape.optional(),
  ec2TagSet: z.object({ ec2TagSetList: z.array(z.array(EC2TagFilterShape)).optional() }).optional(),
  ecsServices: z
    .array(z.object({ serviceName: z.string().optional(), clusterName: z.string().optional() }))
    .optional(),
  onPremisesTagSet: z.object({ onPremisesTagSetList: z.array(TagFilterList).optional() }).optional(),
  terminationHookEnabled: z.boolean().optional(),
});
export type GroupSettings = z.output<typeof GroupSettingsShape>;

/** `LastDeploymentInfo` as the deployment engine records it (times in epoch milliseconds). */
export interface LastDeploymentInfo {
  deploymentId: string;
  status: string;
  endTime?: number;
  createTime: number;
}

/**
 * `DeploymentGroupInfo`: a group as GetDeploymentGroup returns it, without the three members the
 * deployment engine sets (lastSuccessfulDeployment, lastAttemptedDeployment, targetRevision).
 */
export interface DeploymentGroupInfo {
  applicationName: string;
  deploymentGroupId: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  ec2TagFilters: TagFilter[];
  onPremisesInstanceTagFilters: TagFilter[];
  autoScalingGroups: Array<{ name: string }>;
  serviceRoleArn: string;
  triggerConfigurations: NonNullable<GroupSettings["triggerConfigurations"]>;
  alarmConfiguration: NonNullable<GroupSettings["alarmConfiguration"]>;
  autoRollbackConfiguration: NonNullable<GroupSettings["autoRollbackConfiguration"]>;
  deploymentStyle: {
    deploymentType: "IN_PLACE" | "BLUE_GREEN";
    deploymentOption: "WITH_TRAFFIC_CONTROL" | "WITHOUT_TRAFFIC_CONTROL";
  };
  outdatedInstancesStrategy: "UPDATE" | "IGNORE";
  blueGreenDeploymentConfiguration?: NonNullable<GroupSettings["blueGreenDeploymentConfiguration"]>;
  loadBalancerInfo?: NonNullable<GroupSettings["loadBalancerInfo"]>;
  ec2TagSet?: { ec2TagSetList: TagFilter[][] };
  onPremisesTagSet?: { onPremisesTagSetList: TagFilter[][] };
  computePlatform: string;
  ecsServices: NonNullable<GroupSettings["ecsServices"]>;
  terminationHookEnabled: boolean;
}

/** The three members GetDeploymentGroup adds from what deployments recorded. */
export interface DeploymentGroupDeploymentFields {
  lastSuccessfulDeployment?: LastDeploymentInfo;
  lastAttemptedDeployment?: LastDeploymentInfo;
  targetRevision?: RevisionLocation;
}
