import { z } from "zod";
import { RevisionLocationShape } from "../revisions/shapes.js";

const TagFilterShape = z.object({
  Key: z.string().optional(),
  Value: z.string().optional(),
  Type: z.enum(["KEY_ONLY", "VALUE_ONLY", "KEY_AND_VALUE"]).optional(),
});

export const AutoRollbackShape = z.object({
  enabled: z.boolean().optional(),
  events: z
    .array(z.enum(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"]))
    .optional(),
});

const AlarmConfigurationShape = z.object({
  enabled: z.boolean().optional(),
  ignorePollAlarmFailure: z.boolean().optional(),
  alarms: z.array(z.object({ name: z.string().optional() })).optional(),
});

export const DeploymentId = z.string().min(1).max(64);

export const CreateDeploymentShape = z.object({
  applicationName: z.string().min(1).max(100),
  deploymentGroupName: z.string().min(1).max(100).optional(),
  revision: RevisionLocationShape.optional(),
  deploymentConfigName: z.string().min(1).max(100).optional(),
  description: z.string().max(1024).optional(),
  ignoreApplicationStopFailures: z.boolean().optional(),
  targetInstances: z
    .object({
      tagFilters: z.array(TagFilterShape).optional(),
      autoScalingGroups: z.array(z.string()).optional(),
      ec2TagSet: z.object({ ec2TagSetList: z.array(z.array(TagFilterShape)).optional() }).optional(),
    })
    .optional(),
  autoRollbackConfiguration: AutoRollbackShape.optional(),
  updateOutdatedInstancesOnly: z.boolean().optional(),
  fileExistsBehavior: z.enum(["DISALLOW", "OVERWRITE", "RETAIN"]).optional(),
  overrideAlarmConfiguration: AlarmConfigurationShape.optional(),
});
export type CreateDeploymentInput = z.output<typeof CreateDeploymentShape>;
