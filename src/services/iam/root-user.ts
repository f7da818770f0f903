import type { Kysely } from "kysely";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { formatArn, newAccessKeyId, newSecretAccessKey, randomKeyChars } from "../../core/index.js";
import type { Envelope } from "../../platform/crypto/index.js";
import type { Database, Store } from "../../platform/store/index.js";

/** The root user's access key, as written to the credentials file. */
export interface RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** True when this start created the root user. */
  created: boolean;
}

/**
 * Creates the account's root user and its first access key on the first start; later starts
 * return the existing key. The secret is stored encrypted: it must be recoverable to check SigV4.
 */
export async function ensureRootUser(
  store: Store,
  envelope: Envelope,
  accountId: string,
  now: number,
): Promise<RootCredentials> {
  return await store.transaction(async (trx) => {
    const root = await trx
      .selectFrom("iam_users")
      .select("user_id")
      .where("account_id", "=", accountId)
      .where("is_root", "=", 1)
      .executeTakeFirst();
    if (root) {
      const key = await trx
        .selectFrom("iam_access_keys")
        .select(["access_key_id", "secret_ciphertext"])
        .where("user_id", "=", root.user_id)
        .where("status", "=", "Active")
        .orderBy("created_at")
        .executeTakeFirst();
      if (key) {
        return {
          accessKeyId: key.access_key_id,
          secretAccessKey: envelope.decryptString(key.secret_ciphertext, key.access_key_id),
          created: false,
        };
      }
    }
    const userId = root?.user_id ?? accountId;
    if (!root) {
      await trx
        .insertInto("iam_users")
        .values({
          user_id: userId,
          account_id: accountId,
          user_name: "root",
          path: "/",
          arn: formatArn({ service: "iam", region: "", accountId, resource: "root" }),
          is_root: 1,
          created_at: now,
        })
        .execute();
    }
    return { ...(await createAccessKey(trx, envelope, userId, now)), created: true };
  });
}

/**
 * Creates an Active access key for `userId`, its secret stored only encrypted under the master key
 * (bound to the key id), and returns the pair; the secret is never readable in the store again.
 */
export async function createAccessKey(
  trx: Kysely<Database>,
  envelope: Envelope,
  userId: string,
  now: number,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  await trx
    .insertInto("iam_access_keys")
    .values({
      access_key_id: accessKeyId,
      user_id: userId,
      secret_ciphertext: envelope.encrypt(secretAccessKey, accessKeyId),
      status: "Active",
      created_at: now,
    })
    .execute();
  return { accessKeyId, secretAccessKey };
}

/** A fresh unique user id in AWS's shape (`AIDA` and 17 characters). */
export function newUserId(): string {
  return `AIDA${randomKeyChars(17)}`;
}

/**
 * Writes `credentials` in the AWS CLI's credentials-file format, mode 0600, so that
 * `pipewright configure` copies the key into a profile of the AWS CLI's own files (and
 * `AWS_SHARED_CREDENTIALS_FILE=<file>` makes the CLI and SDKs use it as it is).
 */
export function writeCredentialsFile(file: string, creds: RootCredentials, region: string): void {
  const body = [
    "# Pipewright root user. `pipewright configure` makes an AWS CLI profile of it.",
    "[default]",
    `aws_access_key_id = ${creds.accessKeyId}`,
    `aws_secret_access_key = ${creds.secretAccessKey}`,
    `region = ${region}`,
    "",
  ].join("\n");
  writeFileSync(file, body, { mode: 0o600 });
  // The mode option applies only when the file is created; tighten an existing one too.
  if (existsSync(file)) chmodSync(file, 0o600);
}
