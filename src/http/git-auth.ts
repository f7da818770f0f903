import { timingSafeEqual } from "node:crypto";
import type { AccessKeyLookup, ServiceCredentialVerifier } from "../services/iam/index.js";
import type { Principal } from "../services/kit/index.js";
import { deriveSigningKey, hmac, sha256Hex } from "./sigv4.js";

/** What checking a git HTTP request's credentials needs. */
export interface GitAuthDeps {
  keys: AccessKeyLookup;
  serviceCredentials: ServiceCredentialVerifier;
  /** The server's region: the credential scope the CLI's credential helper signs for. */
  region: string;
  /** Largest clock skew of a credential-helper password, in seconds (AWS: 900). */
  maxClockSkewSeconds: number;
  now: () => number;
}

/** The repository a git request names, as the credential helper signs it. */
export interface GitAuthTarget {
  /** `/v1/repos/<name>`: the path the helper signs (git's `path=` with UseHttpPath). */
  repositoryPath: string;
  /** The request's `Host` header. */
  host: string | undefined;
}

/** An HTTP Basic `Authorization` header's user name and password, or undefined. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** `aws codecommit credential-helper`'s password: `<yyyymmddThhmmss>Z<hex SigV4 signature>`. */
const HELPER_PASSWORD = /^(\d{8})T(\d{6})Z([0-9a-f]{64})$/;

/**
 * The principal behind a git request's Basic credentials, or undefined. Two kinds are accepted:
 * the password `aws codecommit credential-helper` computes from an access key (user name = access
 * key id), and a service-specific credential from CreateServiceSpecificCredential.
 */
export async function authenticateGit(
  authorization: string | undefined,
  target: GitAuthTarget,
  deps: GitAuthDeps,
): Promise<Principal | undefined> {
  const basic = parseBasicAuth(authorization);
  if (!basic) return undefined;
  const helper = HELPER_PASSWORD.exec(basic.password);
  if (helper) return verifyHelperPassword(basic.user, helper, target, deps);
  return deps.serviceCredentials.verify(basic.user, basic.password);
}

/**
 * Checks the credential helper's password as the AWS CLI makes it (awscli/customizations/
 * codecommit.py): a SigV4 signature, service `codecommit`, of the canonical request
 * `GIT\n<path>\n\nhost:<hostname>\n\nhost\n` — the repository URL's path and its host without the
 * port — at the time in the password, which must be within the skew window of now.
 */
async function verifyHelperPassword(
  user: string,
  [, date, time, signature]: RegExpExecArray,
  target: GitAuthTarget,
  deps: GitAuthDeps,
): Promise<Principal | undefined> {
  // The helper appends `%<session token>` for temporary credentials; none are issued here yet, so
  // a token can only belong to credentials this server did not issue.
  if (user.includes("%")) return undefined;
  const key = await deps.keys.find(user);
  if (!key) return undefined;
  const timestamp = `${date!}T${time!}`;
  const signedAt = Date.UTC(
    Number(date!.slice(0, 4)),
    Number(date!.slice(4, 6)) - 1,
    Number(date!.slice(6, 8)),
    Number(time!.slice(0, 2)),
    Number(time!.slice(2, 4)),
    Number(time!.slice(4, 6)),
  );
  if (!Number.isFinite(signedAt) || Math.abs(deps.now() - signedAt) > deps.maxClockSkewSeconds * 1000) {
    return undefined;
  }
  const hostname = (target.host ?? "").split(":")[0]!;
  const canonical = `GIT\n${target.repositoryPath}\n\nhost:${hostname}\n\nhost\n`;
  const scope = `${date!}/${deps.region}/codecommit/aws4_request`;
  // The helper puts the timestamp without its `Z` into the string to sign.
  const stringToSign = ["AWS4-HMAC-SHA256", timestamp, scope, sha256Hex(canonical)].join("\n");
  const expected = hmac(
    deriveSigningKey(key.secretAccessKey, date!, deps.region, "codecommit"),
    stringToSign,
  );
  const given = Buffer.from(signature!, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return key.principal;
}
