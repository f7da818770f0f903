import { jsonService, type ServiceModule } from "../kit/index.js";
import { deleteParameter, deleteParameters } from "./delete-parameters.js";
import type { SsmDeps } from "./deps.js";
import { describeParameters } from "./describe-parameters.js";
import { getParameter, getParameterHistory, getParameters } from "./get-parameters.js";
import { getParametersByPath } from "./parameters-by-path.js";
import { putParameter } from "./put-parameter.js";

/** SSM Parameter Store over the AWS JSON 1.1 protocol (`X-Amz-Target: AmazonSSM.<Operation>`). */
export function createSsm(deps: SsmDeps): ServiceModule {
  const json = jsonService({
    targetPrefix: "AmazonSSM",
    signingName: "ssm",
    actionPrefix: "ssm",
    validationErrorCode: "ValidationException",
    operations: [
      putParameter(deps),
      getParameter(deps),
      getParameters(deps),
      getParametersByPath(deps),
      getParameterHistory(deps),
      describeParameters(),
      deleteParameter(),
      deleteParameters(),
    ],
  });
  return { name: "ssm", json };
}
