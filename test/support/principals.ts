import { createEnvelope, loadMasterKey } from "../../src/platform/crypto/index.js";
import { createAccessKey } from "../../src/services/iam/index.js";
import type { TestServer } from "./server.js";

/** A second principal of a test server, with client settings that sign as it. */
export interface TestPrincipal {
  arn: string;
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `server.clientConfig` with this principal's credentials. */
  clientConfig: TestServer["clientConfig"];
}

/**
 * Adds a user with an access key straight into the server's store, the way the root user's key is
 * stored (secret encrypted under the master key, bound to the key id). Until IAM users and policies
 * exist it is marked as a root user so that authorization lets it act; its ARN is an IAM user's
 * (`arn:aws:iam::<account>:user/<name>`), so it is a different principal from the root user for
 * everything that compares ARNs (authors, approvers, comment owners).
 */
export async function addTestPrincipal(
  server: TestServer,
  userName: string,
  options: { allowed?: boolean } = {},
): Promise<TestPrincipal> {
  const envelope = createEnvelope(loadMasterKey(server.config.dataDir, server.config.masterKey));
  const accountId = server.config.accountId;
  const arn = `arn:aws:iam::${accountId}:user/${userName}`;
  const userId = `AIDA${userName
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .padEnd(17, "X")
    .slice(0, 17)}`;
  const now = Date.now();
  const { accessKeyId, secretAccessKey } = await server.store.transaction(async (trx) => {
    await trx
      .insertInto("iam_users")
      .values({
        user_id: userId,
        account_id: accountId,
        user_name: userName,
        path: "/",
        arn,
        // `allowed: false` makes a user that authorization refuses everything (no policies yet).
        is_root: options.allowed === false ? 0 : 1,
        created_at: now,
      })
      .execute();
    return createAccessKey(trx, envelope, userId, now);
  });
  return {
    arn,
    userName,
    accessKeyId,
    secretAccessKey,
    clientConfig: { ...server.clientConfig, credentials: { accessKeyId, secretAccessKey } },
  };
}
