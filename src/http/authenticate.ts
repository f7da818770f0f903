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
  /** The server's region: what a credential scope must name (see `regions`). */
  region: string;
}

/** What a request's credential scope must name. */
export interface ExpectedScope {
  /** The service answering (its signing name). */
  service: string;
  /** Regions accepted besides the server's own (IAM and STS, global on AWS, sign for us-east-1). */
  alsoRegions?: string[];
}

/**
 * Checks the SigV4 signature of `req`, that its credential scope names this server's region and
 * `options.scope.service`, and finds its principal. A signature made for another region or service
 * is valid but not for us: AWS refuses it, and so do we ("scope").
 */
export async function authenticate(
  req: IncomingMessage,
  deps: AuthDeps,
  options: { s3: boolean; bodySha256?: string; scope: ExpectedScope },
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
      scope: {
        service: options.scope.service,
        regions: [deps.region, ...(options.scope.alsoRegions ?? [])],
      },
    },
  );
  if (!result.ok) return result;
  return { ok: true, principal: key!.principal, signature: result };
}
