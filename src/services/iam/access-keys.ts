import type { Envelope } from "../../platform/crypto/index.js";
import type { Store } from "../../platform/store/index.js";
import type { Principal } from "../kit/index.js";

/** An active access key with its decrypted secret and the principal it belongs to. */
export interface AccessKey {
  secretAccessKey: string;
  principal: Principal;
}

/** Finds access keys for signature checks, caching them briefly so a request costs no query. */
export interface AccessKeyLookup {
  find(accessKeyId: string): Promise<AccessKey | undefined>;
  /** Forgets cached keys (after a key is created, deactivated or deleted). */
  invalidate(accessKeyId?: string): void;
}

/** Options for {@link createAccessKeyLookup}. */
export interface AccessKeyLookupOptions {
  store: Store;
  envelope: Envelope;
  /** How long a key stays cached, in ms; default 5000. Bounds how long a deleted key keeps working on other replicas. */
  ttlMs?: number;
}

export function createAccessKeyLookup(options: AccessKeyLookupOptions): AccessKeyLookup {
  const ttl = options.ttlMs ?? 5000;
  const cache = new Map<string, { key: AccessKey | undefined; until: number }>();
  return {
    async find(accessKeyId) {
      const hit = cache.get(accessKeyId);
      if (hit && hit.until > Date.now()) return hit.key;
      const row = await options.store.db
        .selectFrom("iam_access_keys as k")
        .innerJoin("iam_users as u", "u.user_id", "k.user_id")
        .select([
          "k.access_key_id",
          "k.secret_ciphertext",
          "k.status",
          "u.user_id",
          "u.user_name",
          "u.arn",
          "u.account_id",
          "u.is_root",
        ])
        .where("k.access_key_id", "=", accessKeyId)
        .executeTakeFirst();
      const key: AccessKey | undefined =
        row && row.status === "Active"
          ? {
              secretAccessKey: options.envelope.decryptString(row.secret_ciphertext, row.access_key_id),
              principal: {
                accountId: row.account_id,
                userId: row.user_id,
                userName: row.user_name,
                arn: row.arn,
                accessKeyId: row.access_key_id,
                isRoot: row.is_root === 1,
              },
            }
          : undefined;
      // Unknown ids are cached too, so a flood of bad keys does not become a flood of queries.
      if (cache.size > 10_000) cache.clear();
      cache.set(accessKeyId, { key, until: Date.now() + ttl });
      return key;
    },
    invalidate(accessKeyId) {
      if (accessKeyId === undefined) cache.clear();
      else cache.delete(accessKeyId);
    },
  };
}
