import type { Store } from "../../platform/store/index.js";
import type { Principal } from "../kit/index.js";

/** An active SSH public key and the principal it authenticates. */
export interface SshKeyOwner {
  /** The key's SSH algorithm name, e.g. `ssh-rsa`. */
  type: string;
  /** The key in SSH wire format, to compare with what a client offers. */
  blob: Buffer;
  /** The key's user; `accessKeyId` holds the SSH public key id the session signed in with. */
  principal: Principal;
}

/**
 * The Active SSH public key `keyId` (the user name of an `ssh://APKA…@host` URL) and its user, or
 * undefined for an unknown or Inactive key. Read from the store at every sign-in, uncached, so a
 * key deactivated or deleted stops working at once.
 */
export async function findActiveSshPublicKey(store: Store, keyId: string): Promise<SshKeyOwner | undefined> {
  if (!/^\w{20,128}$/.test(keyId)) return undefined;
  const row = await store.db
    .selectFrom("iam_ssh_public_keys as k")
    .innerJoin("iam_users as u", "u.user_id", "k.user_id")
    .select([
      "k.ssh_public_key_id",
      "k.key_type",
      "k.key_blob",
      "k.status",
      "u.user_id",
      "u.user_name",
      "u.arn",
      "u.account_id",
      "u.is_root",
    ])
    .where("k.ssh_public_key_id", "=", keyId)
    .executeTakeFirst();
  if (!row || row.status !== "Active") return undefined;
  return {
    type: row.key_type,
    blob: Buffer.from(row.key_blob, "base64"),
    principal: {
      accountId: row.account_id,
      userId: row.user_id,
      userName: row.user_name,
      arn: row.arn,
      accessKeyId: row.ssh_public_key_id,
      isRoot: row.is_root === 1,
    },
  };
}
