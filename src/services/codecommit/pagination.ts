import { codecommitError } from "./errors.js";

/**
 * Continuation tokens: an opaque base64 of where the next page starts and what the listing was, so
 * a token from one listing is refused by another (`InvalidContinuationTokenException`).
 */
export function encodeToken(listing: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listing, o: offset })).toString("base64url");
}

/** The offset a token of `listing` names; 0 without a token. */
export function decodeToken(listing: string, token: string | undefined): number {
  if (token === undefined || token === "") return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      l?: unknown;
      o?: unknown;
    };
    if (parsed.l === listing && typeof parsed.o === "number" && Number.isInteger(parsed.o) && parsed.o >= 0) {
      return parsed.o;
    }
  } catch {
    // Falls through to the error.
  }
  throw codecommitError(
    "InvalidContinuationTokenException",
    "The specified continuation token is not valid.",
  );
}

/** One page of `items` from a token, with the next token when more remain. */
export function page<T>(
  listing: string,
  items: readonly T[],
  token: string | undefined,
  size: number,
): { items: T[]; nextToken?: string } {
  const start = decodeToken(listing, token);
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? encodeToken(listing, start + size) : undefined;
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
