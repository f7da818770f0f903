import type { ServiceError } from "../../core/index.js";

/**
 * Continuation tokens (`nextToken`, `NextToken`), one format for every JSON and Query service: an
 * opaque base64url of JSON naming the listing the token belongs to and where the next page starts.
 * Naming the listing means a token handed out by one operation (or for one repository, or one
 * filter) is refused by another instead of silently starting somewhere else. Each service refuses
 * with its own error code, as AWS does. S3's continuation tokens are S3's own (`src/http/s3`), and
 * GetLogEvents keeps CloudWatch Logs' visible `f/…`/`b/…` form.
 */

/** Where a listing resumes: an offset, the key of the last item returned, or a small record of them. */
export type PagePosition = number | string | { readonly [field: string]: number | string };

interface TokenBody {
  /** The listing the token belongs to. */
  l: string;
  /** Where the next page starts. */
  p: unknown;
}

/** The token that resumes `listing` at `position`. */
export function encodePageToken(listing: string, position: PagePosition): string {
  return Buffer.from(JSON.stringify({ l: listing, p: position } satisfies TokenBody)).toString("base64url");
}

/**
 * The position a token of `listing` names; undefined without a token (absent or empty). A token of
 * another listing, one this server did not make, or one whose position `accept` refuses throws
 * `invalid()`.
 */
export function decodePageToken<P extends PagePosition>(
  token: string | undefined,
  listing: string,
  accept: (position: unknown) => position is P,
  invalid: () => ServiceError,
): P | undefined {
  if (token === undefined || token === "") return undefined;
  let body: Partial<TokenBody> | null;
  try {
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<TokenBody> | null;
  } catch {
    throw invalid();
  }
  if (body === null || typeof body !== "object" || body.l !== listing || !accept(body.p)) throw invalid();
  return body.p;
}

/** A position that is an offset into a listing: a whole number, 0 or more. */
export function isOffset(position: unknown): position is number {
  return typeof position === "number" && Number.isSafeInteger(position) && position >= 0;
}

/** A position that is the key of the last item returned. */
export function isKey(position: unknown): position is string {
  return typeof position === "string";
}
