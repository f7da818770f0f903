import { ServiceError } from "../../core/index.js";

/**
 * The error codes CodeDeploy answers with, as named in the `codedeploy` 2014-10-06 model (the
 * control-plane operations'; deployments add theirs).
 */
export type CodeDeployErrorCode =
  | "AlarmsLimitExceededException"
  | "ApplicationAlreadyExistsException"
  | "ApplicationDoesNotExistException"
  | "ApplicationLimitExceededException"
  | "ApplicationNameRequiredException"
  | "ArnNotSupportedException"
  | "BatchLimitExceededException"
  | "BucketNameFilterRequiredException"
  | "DeploymentConfigAlreadyExistsException"
  | "DeploymentConfigDoesNotExistException"
  | "DeploymentConfigInUseException"
  | "DeploymentConfigLimitExceededException"
  | "DeploymentConfigNameRequiredException"
  | "DeploymentGroupAlreadyExistsException"
  | "DeploymentGroupDoesNotExistException"
  | "DeploymentGroupLimitExceededException"
  | "DeploymentGroupNameRequiredException"
  | "DescriptionTooLongException"
  | "ECSServiceMappingLimitExceededException"
  | "IamArnRequiredException"
  | "IamSessionArnAlreadyRegisteredException"
  | "IamUserArnAlreadyRegisteredException"
  | "IamUserArnRequiredException"
  | "InstanceLimitExceededException"
  | "InstanceNameAlreadyRegisteredException"
  | "InstanceNameRequiredException"
  | "InstanceNotRegisteredException"
  | "InvalidAlarmConfigException"
  | "InvalidApplicationNameException"
  | "InvalidArnException"
  | "InvalidAutoRollbackConfigException"
  | "InvalidAutoScalingGroupException"
  | "InvalidBlueGreenDeploymentConfigurationException"
  | "InvalidBucketNameFilterException"
  | "InvalidComputePlatformException"
  | "InvalidDeployedStateFilterException"
  | "InvalidDeploymentConfigNameException"
  | "InvalidDeploymentGroupNameException"
  | "InvalidDeploymentStyleException"
  | "InvalidEC2TagCombinationException"
  | "InvalidEC2TagException"
  | "InvalidECSServiceException"
  | "InvalidIamSessionArnException"
  | "InvalidIamUserArnException"
  | "InvalidInputException"
  | "InvalidInstanceNameException"
  | "InvalidKeyPrefixFilterException"
  | "InvalidLoadBalancerInfoException"
  | "InvalidMinimumHealthyHostValueException"
  | "InvalidNextTokenException"
  | "InvalidOnPremisesTagCombinationException"
  | "InvalidOperationException"
  | "InvalidRegistrationStatusException"
  | "InvalidRevisionException"
  | "InvalidRoleException"
  | "InvalidSortByException"
  | "InvalidSortOrderException"
  | "InvalidTagException"
  | "InvalidTagFilterException"
  | "InvalidTagsToAddException"
  | "InvalidTargetGroupPairException"
  | "InvalidTrafficRoutingConfigurationException"
  | "InvalidTriggerConfigException"
  | "InvalidZonalDeploymentConfigurationException"
  | "LifecycleHookLimitExceededException"
  | "MultipleIamArnsProvidedException"
  | "ResourceArnRequiredException"
  | "RevisionDoesNotExistException"
  | "RevisionRequiredException"
  | "RoleRequiredException"
  | "TagLimitExceededException"
  | "TagRequiredException"
  | "TagSetListLimitExceededException"
  | "ThrottlingException"
  | "TriggerTargetsLimitExceededException"
  | "ValidationException";

/** A {@link ServiceError} with one of CodeDeploy's codes (all client errors). */
export function codedeployError(code: CodeDeployErrorCode, message: string): ServiceError {
  return new ServiceError(code, message, { status: 400 });
}

/** `ApplicationDoesNotExistException` naming the application. */
export function applicationNotFound(name: string): ServiceError {
  return codedeployError(
    "ApplicationDoesNotExistException",
    `No application named ${JSON.stringify(name)} exists in this account and region; create it with CreateApplication.`,
  );
}

/** `DeploymentGroupDoesNotExistException` naming the group and its application. */
export function deploymentGroupNotFound(applicationName: string, groupName: string): ServiceError {
  return codedeployError(
    "DeploymentGroupDoesNotExistException",
    `Application ${JSON.stringify(applicationName)} has no deployment group named ${JSON.stringify(groupName)}.`,
  );
}

/** `DeploymentConfigDoesNotExistException` naming the configuration. */
export function deploymentConfigNotFound(name: string): ServiceError {
  return codedeployError(
    "DeploymentConfigDoesNotExistException",
    `No deployment configuration named ${JSON.stringify(name)} exists; use a built-in one (CodeDeployDefault.OneAtATime, CodeDeployDefault.HalfAtATime, CodeDeployDefault.AllAtOnce) or create it with CreateDeploymentConfig.`,
  );
}

/** `InvalidNextTokenException`. */
export function invalidNextToken(): ServiceError {
  return codedeployError(
    "InvalidNextTokenException",
    "The next token is not valid: pass the nextToken the previous call of this listing returned.",
  );
}
