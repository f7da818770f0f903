export {
  createAccessKey,
  ensureRootUser,
  writeCredentialsFile,
  newUserId,
  type RootCredentials,
} from "./root-user.js";
export {
  createAccessKeyLookup,
  type AccessKey,
  type AccessKeyLookup,
  type AccessKeyLookupOptions,
} from "./access-keys.js";
export { authorize, type Decision } from "./authorize.js";
export { createIam, type IamDeps } from "./service.js";
export {
  CODECOMMIT_SERVICE_NAME,
  createServiceCredentialVerifier,
  type ServiceCredentialVerifier,
} from "./service-credentials.js";
export { findActiveSshPublicKey, type SshKeyOwner } from "./ssh-key-lookup.js";
