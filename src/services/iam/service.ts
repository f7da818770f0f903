import type { Clock } from "../../core/index.js";
import { queryService, type ServiceModule } from "../kit/index.js";
import { gitCredentialOperations } from "./git-credentials.js";
import { sshKeyOperations } from "./ssh-keys.js";

/** What the IAM API needs. */
export interface IamDeps {
  clock: Clock;
}

/** IAM over the AWS Query protocol (version 2010-05-08): the parts git access needs so far. */
export function createIam(deps: IamDeps): ServiceModule {
  const query = queryService({
    signingName: "iam",
    actionPrefix: "iam",
    xmlNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
    validationErrorCode: "ValidationError",
    operations: [...gitCredentialOperations(deps), ...sshKeyOperations(deps)],
  });
  return { name: "iam", query };
}
