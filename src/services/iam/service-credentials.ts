import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { randomKeyChars } from "../../core/index.js";
import type { Store } from "../../platform/store/index.js";
import type { Principal } from "../kit/index.js";

/** The one service Pipewright issues service-specific credentials for: HTTPS git to CodeCommit. */
export const CODECOMMIT_SERVICE_NAME = "codecommit.amazonaws.com";

/**
 * scrypt cost: N = 2^14, r = 8, p = 1 (16 MiB, about 50 ms on this machine), the parameters
 * node:crypto defaults to and RFC 7914 suggests for interactive logins. The passwords are 256-bit
 * random values the server generates, so the cost guards only a stolen database against nothing
 * better than brute force; verified passwords are remembered (see {@link createServiceCredentialVerifier}).
 */
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;
const HASH_PREFIX = `scrypt:${SCRYPT.N}:${SCRYPT.r}:${SCRYPT.p}:`;

/** A new ServiceSpecificCredentialId: `ACCA` and 17 characters, the shape AWS gives them. */
export function newServiceCredentialId(): string {
  return `ACCA${randomKeyChars(17)}`;
}

/** A new service password: 33 random bytes as 44 base64 characters. */
export function newServicePassword(): string {
  return randomBytes(33).toString("base64");
}

/** The salted hash stored for `password`: a fresh per-credential salt and scrypt of the password. */
export async function hashServicePassword(password: string): Promise<{ salt: string; hash: string }> {
  const salt = randomBytes(16);
  const derived = await scryptAsync(password, salt);
  return { salt: salt.toString("base64"), hash: HASH_PREFIX + derived.toString("base64") };
}

/** Whether `password` is the one `hash` (from {@link hashServicePassword}) was made of; constant time. */
export async function checkServicePassword(password: string, salt: string, hash: string): Promise<boolean> {
  if (!hash.startsWith(HASH_PREFIX)) return false;
  const expected = Buffer.from(hash.slice(HASH_PREFIX.length), "base64");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64"));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password,
      salt,
      SCRYPT.keyLength,
      { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** Checks HTTPS git user names and passwords against the stored service-specific credentials. */
export interface ServiceCredentialVerifier {
  /** The principal whose active credential `serviceUserName`/`password` is, or undefined. */
  verify(serviceUserName: string, password: string, serviceName?: string): Promise<Principal | undefined>;
}

/**
 * A verifier that reads the credential's row on every call (so a deactivated, reset or deleted
 * credential stops working at once) but runs scrypt only the first time a password is seen for a
 * given stored hash: a clone's three or four requests cost one scrypt, not four. What is remembered
 * is a SHA-256 of the password beside the stored hash it was verified against, never the password.
 */
export function createServiceCredentialVerifier(options: {
  store: Store;
  /** How many verified passwords are remembered; default 1000. */
  cacheSize?: number;
}): ServiceCredentialVerifier {
  const max = options.cacheSize ?? 1000;
  const verified = new Map<string, { hash: string; digest: Buffer }>();
  return {
    async verify(serviceUserName, password, serviceName = CODECOMMIT_SERVICE_NAME) {
      if (serviceUserName.length === 0 || serviceUserName.length > 200 || password.length > 1024) {
        return undefined;
      }
      const row = await options.store.db
        .selectFrom("iam_service_credentials as c")
        .innerJoin("iam_users as u", "u.user_id", "c.user_id")
        .select([
          "c.credential_id",
          "c.service_name",
          "c.password_salt",
          "c.password_hash",
          "c.status",
          "u.user_id",
          "u.user_name",
          "u.arn",
          "u.account_id",
          "u.is_root",
        ])
        .where("c.service_user_name", "=", serviceUserName)
        .executeTakeFirst();
      if (!row || row.status !== "Active" || row.service_name !== serviceName) return undefined;
      const digest = createHash("sha256").update(password).digest();
      const hit = verified.get(row.credential_id);
      let ok = hit !== undefined && hit.hash === row.password_hash && timingSafeEqual(hit.digest, digest);
      if (!ok) {
        ok = await checkServicePassword(password, row.password_salt, row.password_hash);
        if (ok) {
          if (verified.size >= max) verified.clear();
          verified.set(row.credential_id, { hash: row.password_hash, digest });
        }
      }
      if (!ok) return undefined;
      return {
        accountId: row.account_id,
        userId: row.user_id,
        userName: row.user_name,
        arn: row.arn,
        // No access key signs git requests made with a service-specific credential; its id stands in.
        accessKeyId: row.credential_id,
        isRoot: row.is_root === 1,
      };
    },
  };
}
