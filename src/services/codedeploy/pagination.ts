import { decodePageToken, encodePageToken, isKey, isOffset } from "../kit/index.js";
import { invalidNextToken } from "./errors.js";

/** How many names a CodeDeploy listing answers at a time (AWS pages its listings by 100). */
export const PAGE_SIZE = 100;

/**
 * How many rows a listing whose filter no index serves (tag filters) looks at for one page; the
 * page may come back short, with a token that resumes after the last row looked at, as AWS's do.
 */
export const EXAMINED_PER_PAGE = 1000;

/** Where a listing ordered by name resumes: after `token`'s name, or at the start. */
export function afterName(listing: string, token: string | undefined): string | undefined {
  return decodePageToken(token, listing, isKey, invalidNextToken);
}

/** The token that resumes `listing` after `name`. */
export function tokenAfter(listing: string, name: string): string {
  return encodePageToken(listing, name);
}

/** Where an offset listing resumes (0 without a token). */
export function offsetOf(listing: string, token: string | undefined): number {
  return decodePageToken(token, listing, isOffset, invalidNextToken) ?? 0;
}

/** The token that resumes `listing` at `offset`. */
export function tokenAt(listing: string, offset: number): string {
  return encodePageToken(listing, offset);
}
