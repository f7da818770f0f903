import { ServiceError } from "../../../core/index.js";

/** `DeploymentDoesNotExistException` naming the deployment. */
export function deploymentNotFound(id: string): ServiceError {
  return new ServiceError(
    "DeploymentDoesNotExistException",
    `Deployment ${id} does not exist in this account and region: use an ID that ListDeployments returns.`,
    { status: 400 },
  );
}

/** An error of CodeDeploy's deployments API, with AWS's code. */
export function deploymentError(code: string, message: string): ServiceError {
  return new ServiceError(code, message, { status: 400 });
}
