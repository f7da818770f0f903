import type { AnyOperation } from "../kit/index.js";
import type { IamDeps } from "./service.js";

/** SSH public keys for git over SSH: UploadSSHPublicKey, GetSSHPublicKey, ListSSHPublicKeys, UpdateSSHPublicKey, DeleteSSHPublicKey. */
export function sshKeyOperations(_deps: IamDeps): AnyOperation[] {
  return [];
}
