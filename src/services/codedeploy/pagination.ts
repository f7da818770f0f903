import { decodePageToken, encodePageToken, isKey } from "../kit/index.js";
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

/**
 * One page of `rows`, read in listing order with a limit of `examined`, keeping those `keep`
 * accepts, and the row the next page resumes after: the page's last when more matched than a page
 * holds, or the last row looked at when the limit stopped the read (a filter no index serves may
 * leave the page short, as AWS's are).
 */
export function boundedPage<R>(
  rows: readonly R[],
  examined: number,
  keep: (row: R) => boolean,
): { page: R[]; resumeAfter?: R } {
  const matching = rows.filter(keep);
  if (matching.length > PAGE_SIZE) {
    const page = matching.slice(0, PAGE_SIZE);
    return { page, resumeAfter: page.at(-1)! };
  }
  return rows.length === examined ? { page: matching, resumeAfter: rows.at(-1)! } : { page: matching };
}

/** How many rows a listing reads for a page: one page and one more, or the bounded batch when filtering. */
export function examinedFor(filtered: boolean): number {
  return filtered ? EXAMINED_PER_PAGE : PAGE_SIZE + 1;
}
