import { decodePageToken, encodePageToken, isOffset, type PagePosition } from "../kit/index.js";
import { codecommitError } from "./errors.js";

// Tokens name their listing (operation and scope), so one listing's token is refused by another.
const invalidContinuationToken = () =>
  codecommitError("InvalidContinuationTokenException", "The specified continuation token is not valid.");

/**
 * One page of `items` from an offset token, with the next token when more remain. Only for
 * listings computed whole by git (differences, merge conflicts); stored listings use keysets.
 */
export function page<T>(
  listing: string,
  items: readonly T[],
  token: string | undefined,
  size: number,
): { items: T[]; nextToken?: string } {
  const start = decodePageToken(token, listing, isOffset, invalidContinuationToken) ?? 0;
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? encodePageToken(listing, start + size) : undefined;
  return { items: slice, ...(next !== undefined ? { nextToken: next } : {}) };
}

/** The fields of a keyset position and the type of each, e.g. `{ n: "string", t: "number" }`. */
export type KeyShape = Readonly<Record<string, "string" | "number">>;

/** The position a shape describes: each field of the shape, of its type. */
export type KeyOf<S extends KeyShape> = { [F in keyof S]: S[F] extends "number" ? number : string };

/**
 * Where a keyset listing resumes: the key of the last item the previous page returned, or
 * undefined without a token. A token of another listing, or one whose position is not exactly
 * `shape` (an offset handed out before listings became keysets) is refused with
 * `InvalidContinuationTokenException`, never read as a key.
 */
export function resumeAfter<S extends KeyShape>(
  listing: string,
  token: string | undefined,
  shape: S,
): KeyOf<S> | undefined {
  const accept = (position: unknown): position is KeyOf<S> & PagePosition =>
    typeof position === "object" &&
    position !== null &&
    Object.keys(position).length === Object.keys(shape).length &&
    Object.entries(shape).every(([field, type]) => {
      const value = (position as Record<string, unknown>)[field];
      return type === "number" ? Number.isSafeInteger(value) : typeof value === "string";
    });
  return decodePageToken(token, listing, accept, invalidContinuationToken);
}

/**
 * A keyset page from `rows` read with `LIMIT size + 1`: the first `size`, and a token that resumes
 * after the last of them when the extra row shows more remain.
 */
export function keysetPage<T>(
  listing: string,
  rows: readonly T[],
  size: number,
  keyOf: (row: T) => PagePosition,
): { items: T[]; nextToken?: string } {
  const items = rows.slice(0, size);
  const last = items[items.length - 1];
  if (rows.length <= size || last === undefined) return { items };
  return { items, nextToken: encodePageToken(listing, keyOf(last)) };
}

/** Checks `maxResults` (`InvalidMaxResultsException`): 1 to `max`, default `fallback`. */
export function checkMaxResults(value: number | undefined, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw codecommitError(
      "InvalidMaxResultsException",
      `maxResults ${value} is not valid: use a whole number from 1 to ${max}.`,
    );
  }
  return value;
}
