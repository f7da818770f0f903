import { decodePageToken, encodePageToken, isOffset } from "../kit/index.js";
import { codecommitError } from "./errors.js";

// Tokens name their listing (operation and scope), so one listing's token is refused by another.
const invalidContinuationToken = () =>
  codecommitError("InvalidContinuationTokenException", "The specified continuation token is not valid.");

/** One page of `items` from a token, with the next token when more remain. */
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
