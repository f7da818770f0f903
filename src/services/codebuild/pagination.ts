import { decodePageToken, encodePageToken, isOffset } from "../kit/index.js";
import { invalidInput } from "./errors.js";

/** The token of the page of `listing` that starts at `offset`. */
export function encodePage(listing: string, offset: number): string {
  return encodePageToken(listing, offset);
}

/** The offset a token of `listing` holds, 0 without one; InvalidInputException for any other token. */
export function decodePage(listing: string, token: string | undefined): number {
  return decodePageToken(token, listing, isOffset, () => invalidInput(`Invalid next token: ${token}`)) ?? 0;
}
