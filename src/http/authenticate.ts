import type { IncomingMessage } from "node:http";
import type { AccessKeyLookup } from "../services/iam/index.js";
import type { Principal } from "../services/kit/index.js";
import { claimedAccessKeyId, verifySigV4, type AuthFailure, type VerifiedSignature } from "./sigv4.js";

/** A request whose signature checked out, and who signed it. */
export interface Authenticated {
  ok: true;
  principal: Principal;
  signature: VerifiedSignature;
}

/** What {@link authenticate} needs from the server. */
export interface AuthDeps {
  keys: AccessKeyLookup;
  maxClockSkewSeconds: number;
  now: () => number;
}

/** Checks the SigV4 signature of `req` and finds its principal. */
export async function authenticate(
  req: IncomingMessage,
  deps: AuthDeps,
  options: { s3: boolean; bodySha256?: string },
): Promise<Authenticated | AuthFailure> {
  const url = req.url ?? "/";
  const claimed = claimedAccessKeyId(req.rawHeaders, url);
  const key = claimed === undefined ? undefined : await deps.keys.find(claimed);
  const result = verifySigV4(
    { method: req.method ?? "GET", url, rawHeaders: req.rawHeaders, bodySha256: options.bodySha256 },
    {
      lookupSecret: () => key?.secretAccessKey,
      now: deps.now(),
      maxSkewSeconds: deps.maxClockSkewSeconds,
      s3: options.s3,
    },
  );
  if (!result.ok) return result;
  return { ok: true, principal: key!.principal, signature: result };
}
