import { invalidNextToken } from "./errors.js";

// NextToken is keyset-based: it names the last item returned, so parameters written or deleted
// between pages neither repeat nor vanish from the rest of the listing.

interface TokenBody<K> {
  /** Which listing the token belongs to, so a token is not replayed against another operation. */
  l: string;
  a: K;
}

/** An opaque NextToken for `listing` that resumes after the item with key `after`. */
export function encodeToken(listing: string, after: string | number): string {
  return Buffer.from(JSON.stringify({ l: listing, a: after } satisfies TokenBody<string | number>)).toString(
    "base64url",
  );
}

/** The key a NextToken resumes after; undefined when there is no token; `InvalidNextToken` when bad. */
export function decodeToken<K extends string | number>(
  token: string | undefined,
  listing: string,
  keyType: "string" | "number",
): K | undefined {
  if (token === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalidNextToken();
  }
  const b = body as Partial<TokenBody<unknown>> | null;
  if (!b || typeof b !== "object" || b.l !== listing || typeof b.a !== keyType) throw invalidNextToken();
  return b.a as K;
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
  return more && last !== undefined ? { items, nextToken: encodeToken(listing, keyOf(last)) } : { items };
}

/** Ascending order of names by UTF-16 code units: the same on every database and locale. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
