import { decodePageToken, encodePageToken, isKey } from "../kit/index.js";
import { codepipelineError, invalidNextToken } from "./errors.js";

/** Where a listing ordered by name resumes: after `token`'s name, or at the start. */
export function afterName(listing: string, token: string | undefined): string | undefined {
  return decodePageToken(token, listing, isKey, invalidNextToken);
}

/** The token that resumes `listing` after `name`. */
export function tokenAfter(listing: string, name: string): string {
  return encodePageToken(listing, name);
}

/** `maxResults` between 1 and `max`, default `fallback` (ValidationException otherwise). */
export function checkMaxResults(value: number | undefined, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw codepipelineError(
      "ValidationException",
      `maxResults must be a whole number from 1 to ${max}, not ${value}.`,
    );
  }
  return value;
}
