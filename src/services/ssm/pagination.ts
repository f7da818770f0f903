import { decodePageToken, encodePageToken } from "../kit/index.js";
import { invalidNextToken } from "./errors.js";

// NextToken is keyset-based: it names the last item returned, so parameters written or deleted
// between pages neither repeat nor vanish from the rest of the listing.

/** The key a NextToken of `listing` resumes after; undefined without a token; `InvalidNextToken` when bad. */
export function decodeToken<K extends string | number>(
  token: string | undefined,
  listing: string,
  keyType: "string" | "number",
): K | undefined {
  const accept = (position: unknown): position is K => typeof position === keyType;
  return decodePageToken(token, listing, accept, invalidNextToken);
}

/** One page of `sorted` (ascending by `keyOf`) after `after`, with the token of the next page. */
export function paginate<T, K extends string | number>(
  sorted: readonly T[],
  keyOf: (item: T) => K,
  after: K | undefined,
  max: number,
  listing: string,
): { items: T[]; nextToken?: string } {
  let start = 0;
  if (after !== undefined) {
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + max);
  const last = items[items.length - 1];
  const more = start + max < sorted.length;
  return more && last !== undefined ? { items, nextToken: encodePageToken(listing, keyOf(last)) } : { items };
}

/** Ascending order of names by UTF-16 code units: the same on every database and locale. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
