import type { AnyOperation } from "../kit/index.js";
import type { IamDeps } from "./service.js";

/**
 * Service-specific credentials (HTTPS git user name and password for `codecommit.amazonaws.com`):
 * CreateServiceSpecificCredential, ListServiceSpecificCredentials, ResetServiceSpecificCredential,
 * UpdateServiceSpecificCredential, DeleteServiceSpecificCredential.
 */
export function gitCredentialOperations(_deps: IamDeps): AnyOperation[] {
  return [];
}
