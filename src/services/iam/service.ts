import type { Clock } from "../../core/index.js";
import { queryService, type ServiceModule } from "../kit/index.js";
import {
  createServiceSpecificCredential,
  deleteServiceSpecificCredential,
  listServiceSpecificCredentials,
  resetServiceSpecificCredential,
  updateServiceSpecificCredential,
} from "./git-credentials.js";
import {
  deleteSSHPublicKey,
  getSSHPublicKey,
  listSSHPublicKeys,
  updateSSHPublicKey,
  uploadSSHPublicKey,
} from "./ssh-keys.js";

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
    operations: [
      createServiceSpecificCredential(deps),
      listServiceSpecificCredentials(),
      resetServiceSpecificCredential(),
      updateServiceSpecificCredential(),
      deleteServiceSpecificCredential(),
      uploadSSHPublicKey(deps),
      getSSHPublicKey(),
      listSSHPublicKeys(),
      updateSSHPublicKey(),
      deleteSSHPublicKey(),
    ],
  });
  return { name: "iam", query };
}
