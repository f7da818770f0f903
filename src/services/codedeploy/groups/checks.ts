import { parseArn } from "../../../core/index.js";
import { codedeployError, type CodeDeployErrorCode } from "../errors.js";
import { filterType } from "../instances/matching.js";
import type { TagFilter } from "../shapes.js";
import type { StoredGroupSettings } from "./rows.js";
import type { GroupSettings } from "./shapes.js";

/** AWS's limits on a deployment group. */
export const GROUP_LIMITS = {
  /** Lists in an ec2TagSet or onPremisesTagSet. */
  tagSetLists: 3,
  triggers: 10,
  alarms: 10,
  /** Minutes a blue/green wait or termination can last (two days). */
  waitMinutes: 2880,
} as const;

/** The settings a group has before any are given (CreateDeploymentGroup's defaults). */
export function defaultSettings(
  computePlatform: string,
  deploymentConfigName: string,
  serviceRoleArn: string,
): Settings {
  return {
    deploymentConfigName,
    ec2TagFilters: [],
    onPremisesInstanceTagFilters: [],
    autoScalingGroups: [],
    serviceRoleArn,
    triggerConfigurations: [],
    alarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
    autoRollbackConfiguration: { enabled: false, events: [] },
    deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITHOUT_TRAFFIC_CONTROL" },
    outdatedInstancesStrategy: "UPDATE",
    computePlatform,
    ecsServices: [],
    terminationHookEnabled: false,
  };
}

type Settings = StoredGroupSettings;

/** A tag filter holds what its type needs (`code`: InvalidTagException or InvalidEC2TagException). */
export function checkTagFilter(filter: TagFilter, field: string, code: CodeDeployErrorCode): TagFilter {
  const type = filterType(filter);
  const invalid = (message: string) => codedeployError(code, `${field}: ${message}`);
  if (type === undefined) throw invalid("a tag filter needs a Key, a Value or both, and its Type.");
  if ((type === "KEY_ONLY" || type === "KEY_AND_VALUE") && !filter.Key)
    throw invalid(`a ${type} filter needs a Key.`);
  if ((type === "VALUE_ONLY" || type === "KEY_AND_VALUE") && filter.Value === undefined) {
    throw invalid(`a ${type} filter needs a Value.`);
  }
  if ((filter.Key ?? "").length > 128 || (filter.Value ?? "").length > 256) {
    throw invalid("a Key has at most 128 characters and a Value at most 256.");
  }
  return {
    ...(type !== "VALUE_ONLY" ? { Key: filter.Key! } : {}),
    ...(type !== "KEY_ONLY" ? { Value: filter.Value! } : {}),
    Type: type,
  };
}

function checkFilters(filters: readonly TagFilter[], field: string, code: CodeDeployErrorCode): TagFilter[] {
  return filters.map((f, i) => checkTagFilter(f, `${field}[${i}]`, code));
}

function checkTagSet(
  lists: readonly (readonly TagFilter[])[],
  field: string,
  code: CodeDeployErrorCode,
): TagFilter[][] {
  if (lists.length > GROUP_LIMITS.tagSetLists) {
    throw codedeployError(
      "TagSetListLimitExceededException",
      `${field} has ${lists.length} lists; a tag set can have at most ${GROUP_LIMITS.tagSetLists}.`,
    );
  }
  return lists.map((list, i) => checkFilters(list, `${field}[${i}]`, code));
}

/** An IAM role ARN (InvalidRoleException otherwise). */
export function checkRoleArn(arn: string): string {
  const parts = parseArn(arn);
  if (
    !parts ||
    parts.service !== "iam" ||
    !parts.resource.startsWith("role/") ||
    parts.resource.length <= 5
  ) {
    throw codedeployError(
      "InvalidRoleException",
      `serviceRoleArn ${JSON.stringify(arn)} is not an IAM role ARN; give arn:aws:iam::<account>:role/<name>.`,
    );
  }
  return arn;
}

/**
 * `current` with the settings of a CreateDeploymentGroup or UpdateDeploymentGroup request set over
 * it (members not given stay as they were), checked as AWS checks a group: filters and tag sets of
 * one kind exclusive, tag sets of at most three lists, triggers, alarms and rollback events well
 * formed and within their limits, a deployment style its parts can carry out. The deployment
 * configuration's existence is the caller's (it needs the store).
 */
export function applySettings(current: Settings, input: GroupSettings): Settings {
  const next: Settings = { ...current };
  if (input.ec2TagFilters !== undefined) {
    next.ec2TagFilters = checkFilters(input.ec2TagFilters, "ec2TagFilters", "InvalidEC2TagException");
  }
  if (input.onPremisesInstanceTagFilters !== undefined) {
    next.onPremisesInstanceTagFilters = checkFilters(
      input.onPremisesInstanceTagFilters,
      "onPremisesInstanceTagFilters",
      "InvalidTagException",
    );
  }
  if (input.ec2TagSet !== undefined) {
    next.ec2TagSet = {
      ec2TagSetList: checkTagSet(
        input.ec2TagSet.ec2TagSetList ?? [],
        "ec2TagSet.ec2TagSetList",
        "InvalidEC2TagException",
      ),
    };
  }
  if (input.onPremisesTagSet !== undefined) {
    next.onPremisesTagSet = {
      onPremisesTagSetList: checkTagSet(
        input.onPremisesTagSet.onPremisesTagSetList ?? [],
        "onPremisesTagSet.onPremisesTagSetList",
        "InvalidTagException",
      ),
    };
  }
  if (next.ec2TagFilters.length > 0 && (next.ec2TagSet?.ec2TagSetList.length ?? 0) > 0) {
    throw codedeployError(
      "InvalidEC2TagCombinationException",
      "ec2TagFilters and ec2TagSet cannot both be set; give one (an empty list clears the other).",
    );
  }
  if (
    next.onPremisesInstanceTagFilters.length > 0 &&
    (next.onPremisesTagSet?.onPremisesTagSetList.length ?? 0) > 0
  ) {
    throw codedeployError(
      "InvalidOnPremisesTagCombinationException",
      "onPremisesInstanceTagFilters and onPremisesTagSet cannot both be set; give one (an empty list clears the other).",
    );
  }
  if (input.autoScalingGroups !== undefined && input.autoScalingGroups.length > 0) {
    throw codedeployError(
      "InvalidAutoScalingGroupException",
      `autoScalingGroups names ${JSON.stringify(input.autoScalingGroups[0])}, but this server has no Auto Scaling groups; target instances by tags.`,
    );
  }
  if (input.deploymentConfigName !== undefined) next.deploymentConfigName = input.deploymentConfigName;
  if (input.serviceRoleArn !== undefined) next.serviceRoleArn = checkRoleArn(input.serviceRoleArn);
  if (input.triggerConfigurations !== undefined)
    next.triggerConfigurations = checkTriggers(input.triggerConfigurations);
  if (input.alarmConfiguration !== undefined) next.alarmConfiguration = checkAlarms(input.alarmConfiguration);
  if (input.autoRollbackConfiguration !== undefined) {
    next.autoRollbackConfiguration = checkAutoRollback(input.autoRollbackConfiguration);
  }
  if (input.outdatedInstancesStrategy !== undefined)
    next.outdatedInstancesStrategy = input.outdatedInstancesStrategy;
  if (input.deploymentStyle !== undefined) {
    next.deploymentStyle = {
      deploymentType: input.deploymentStyle.deploymentType ?? "IN_PLACE",
      deploymentOption: input.deploymentStyle.deploymentOption ?? "WITHOUT_TRAFFIC_CONTROL",
    };
  }
  if (input.loadBalancerInfo !== undefined)
    next.loadBalancerInfo = checkLoadBalancerInfo(input.loadBalancerInfo);
  if (input.blueGreenDeploymentConfiguration !== undefined) {
    next.blueGreenDeploymentConfiguration = checkBlueGreen(input.blueGreenDeploymentConfiguration);
  }
  if (input.ecsServices !== undefined) {
    if (current.computePlatform !== "ECS" && input.ecsServices.length > 0) {
      throw codedeployError("InvalidECSServiceException", "ecsServices are for groups of ECS applications.");
    }
    next.ecsServices = input.ecsServices;
  }
  if (input.terminationHookEnabled !== undefined) next.terminationHookEnabled = input.terminationHookEnabled;
  checkStyle(next);
  return next;
}

function checkTriggers(triggers: NonNullable<GroupSettings["triggerConfigurations"]>) {
  if (triggers.length > GROUP_LIMITS.triggers) {
    throw codedeployError(
      "TriggerTargetsLimitExceededException",
      `triggerConfigurations has ${triggers.length} triggers; a group can have at most ${GROUP_LIMITS.triggers}.`,
    );
  }
  const names = new Set<string>();
  return triggers.map((t, i) => {
    const invalid = (m: string) =>
      codedeployError("InvalidTriggerConfigException", `triggerConfigurations[${i}]: ${m}`);
    if (!t.triggerName) throw invalid("triggerName is required.");
    if (names.has(t.triggerName))
      throw invalid(`the trigger name ${JSON.stringify(t.triggerName)} is used twice.`);
    names.add(t.triggerName);
    const target = t.triggerTargetArn ? parseArn(t.triggerTargetArn) : undefined;
    if (!target || target.service !== "sns")
      throw invalid("triggerTargetArn must be the ARN of an SNS topic.");
    if (!t.triggerEvents || t.triggerEvents.length === 0)
      throw invalid("triggerEvents must name at least one event.");
    return {
      triggerName: t.triggerName,
      triggerTargetArn: t.triggerTargetArn!,
      triggerEvents: [...new Set(t.triggerEvents)],
    };
  });
}

function checkAlarms(config: NonNullable<GroupSettings["alarmConfiguration"]>) {
  const alarms = config.alarms ?? [];
  if (alarms.length > GROUP_LIMITS.alarms) {
    throw codedeployError(
      "AlarmsLimitExceededException",
      `alarmConfiguration.alarms has ${alarms.length} alarms; a group can have at most ${GROUP_LIMITS.alarms}.`,
    );
  }
  const names = new Set<string>();
  for (const [i, alarm] of alarms.entries()) {
    if (!alarm.name)
      throw codedeployError(
        "InvalidAlarmConfigException",
        `alarmConfiguration.alarms[${i}].name is required.`,
      );
    if (names.has(alarm.name)) {
      throw codedeployError(
        "InvalidAlarmConfigException",
        `The alarm ${JSON.stringify(alarm.name)} is named twice.`,
      );
    }
    names.add(alarm.name);
  }
  if (config.enabled && alarms.length === 0) {
    throw codedeployError(
      "InvalidAlarmConfigException",
      "alarmConfiguration is enabled but names no alarms.",
    );
  }
  return {
    enabled: config.enabled ?? false,
    ignorePollAlarmFailure: config.ignorePollAlarmFailure ?? false,
    alarms: alarms.map((a) => ({ name: a.name! })),
  };
}

function checkAutoRollback(config: NonNullable<GroupSettings["autoRollbackConfiguration"]>) {
  const events = [...new Set(config.events ?? [])];
  if (config.enabled && events.length === 0) {
    throw codedeployError(
      "InvalidAutoRollbackConfigException",
      "autoRollbackConfiguration is enabled but lists no events: give DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM or DEPLOYMENT_STOP_ON_REQUEST.",
    );
  }
  return { enabled: config.enabled ?? false, events };
}

function checkLoadBalancerInfo(info: NonNullable<GroupSettings["loadBalancerInfo"]>) {
  const named = (list: Array<{ name?: string | undefined }> | undefined, field: string) =>
    (list ?? []).map((item, i) => {
      if (!item.name)
        throw codedeployError(
          "InvalidLoadBalancerInfoException",
          `loadBalancerInfo.${field}[${i}].name is required.`,
        );
      return { name: item.name };
    });
  return {
    ...(info.elbInfoList ? { elbInfoList: named(info.elbInfoList, "elbInfoList") } : {}),
    ...(info.targetGroupInfoList
      ? { targetGroupInfoList: named(info.targetGroupInfoList, "targetGroupInfoList") }
      : {}),
    ...(info.targetGroupPairInfoList ? { targetGroupPairInfoList: info.targetGroupPairInfoList } : {}),
  };
}

function checkBlueGreen(config: NonNullable<GroupSettings["blueGreenDeploymentConfiguration"]>) {
  for (const [field, minutes] of [
    [
      "terminateBlueInstancesOnDeploymentSuccess.terminationWaitTimeInMinutes",
      config.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes,
    ],
    ["deploymentReadyOption.waitTimeInMinutes", config.deploymentReadyOption?.waitTimeInMinutes],
  ] as const) {
    if (minutes !== undefined && (minutes < 0 || minutes > GROUP_LIMITS.waitMinutes)) {
      throw codedeployError(
        "InvalidBlueGreenDeploymentConfigurationException",
        `blueGreenDeploymentConfiguration.${field} must be from 0 to ${GROUP_LIMITS.waitMinutes} minutes, not ${minutes}.`,
      );
    }
  }
  return config;
}

/**
 * The deployment style and what it needs: traffic control needs a load balancer; blue/green needs
 * traffic control; a blue/green configuration belongs to a blue/green group. Unlike AWS, a
 * blue/green group may select on-premises instances: the replacement fleet is a second set of
 * registered instances, named by CreateDeployment's targetInstances tags (DISCOVER_EXISTING).
 */
function checkStyle(s: Settings): void {
  const { deploymentType, deploymentOption } = s.deploymentStyle;
  const lb = s.loadBalancerInfo;
  const hasLb =
    (lb?.elbInfoList?.length ?? 0) +
      (lb?.targetGroupInfoList?.length ?? 0) +
      (lb?.targetGroupPairInfoList?.length ?? 0) >
    0;
  if (deploymentOption === "WITH_TRAFFIC_CONTROL" && !hasLb) {
    throw codedeployError(
      "InvalidLoadBalancerInfoException",
      "deploymentStyle.deploymentOption WITH_TRAFFIC_CONTROL needs loadBalancerInfo naming a load balancer or target group.",
    );
  }
  if (deploymentType === "BLUE_GREEN") {
    if (s.computePlatform === "Server" && deploymentOption !== "WITH_TRAFFIC_CONTROL") {
      throw codedeployError(
        "InvalidDeploymentStyleException",
        "A BLUE_GREEN deployment style needs deploymentOption WITH_TRAFFIC_CONTROL.",
      );
    }
    if (
      s.blueGreenDeploymentConfiguration?.greenFleetProvisioningOption?.action === "COPY_AUTO_SCALING_GROUP"
    ) {
      throw codedeployError(
        "InvalidBlueGreenDeploymentConfigurationException",
        "greenFleetProvisioningOption COPY_AUTO_SCALING_GROUP needs Auto Scaling groups, which do not exist here: use DISCOVER_EXISTING, and name the replacement instances by their tags in CreateDeployment's targetInstances.",
      );
    }
  } else if (s.blueGreenDeploymentConfiguration !== undefined) {
    throw codedeployError(
      "InvalidBlueGreenDeploymentConfigurationException",
      "blueGreenDeploymentConfiguration is for groups whose deploymentStyle.deploymentType is BLUE_GREEN.",
    );
  }
}
