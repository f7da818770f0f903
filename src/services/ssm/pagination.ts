import { decodePageToken, encodePageToken } from "../kit/index.js";
import { invalidNextToken } from "./errors.js";

// NextToken is keyset-based: it names the last item returned (or looked at), so parameters written
// or deleted between pages neither repeat nor vanish from the rest of the listing, and a page is
// read from the index where the previous one stopped.

/** The key a NextToken of `listing` resumes after; undefined without a token; `InvalidNextToken` when bad. */
export function decodeToken<K extends string | number>(
  token: string | undefined,
  listing: string,
  keyType: "string" | "number",
): K | undefined {
  const accept = (position: unknown): position is K => typeof position === keyType;
  return decodePageToken(token, listing, accept, invalidNextToken);
}

/** The NextToken that resumes `listing` after `key`. */
export function encodeToken(listing: string, key: string | number): string {
  return encodePageToken(listing, key);
}
