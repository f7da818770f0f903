import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from "kysely";
import { decodePageToken, encodePageToken } from "../kit/index.js";
import { invalidInput } from "./errors.js";

/**
 * Keyset pagination for CodeBuild's listings: a page is the rows after the last one returned, in
 * the listing's order, read from an index whose columns are that order; the token holds that last
 * row's sort key (e.g. `{t: startTime, i: id}`), never an offset.
 */

/** One column of a listing's order. */
export interface SortPart {
  /** The column in SQL (`start_time`, `r.created_at`). */
  column: string;
  /** Its field in the token's position. */
  field: string;
  type: "number" | "string";
  desc: boolean;
}

/** A listing's name (which names its sort too, so another sort's token is refused) and order. */
export interface Keyset {
  listing: string;
  parts: readonly SortPart[];
}

/** The sort key of the last row returned, field by field. */
export type KeyPosition = Record<string, number | string>;

/** The position a token of `keyset` holds, undefined without one; InvalidInputException for any other token. */
export function decodeAfter(keyset: Keyset, token: string | undefined): KeyPosition | undefined {
  const accept = (position: unknown): position is KeyPosition => isPositionOf(keyset, position);
  return decodePageToken(token, keyset.listing, accept, () => invalidInput(`Invalid next token: ${token}`));
}

function isPositionOf(keyset: Keyset, position: unknown): boolean {
  if (typeof position !== "object" || position === null) return false;
  const record = position as Record<string, unknown>;
  if (Object.keys(record).length !== keyset.parts.length) return false;
  return keyset.parts.every(({ field, type }) =>
    type === "number" ? Number.isSafeInteger(record[field]) : typeof record[field] === "string",
  );
}

/**
 * `query` limited to one page (plus one row, which says whether another page follows) after
 * `after`, in the keyset's order.
 */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  keyset: Keyset,
  after: KeyPosition | undefined,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  let page = after ? query.where(afterKey(keyset.parts, after)) : query;
  for (const part of keyset.parts) page = page.orderBy(sql.ref(part.column), part.desc ? "desc" : "asc");
  return page.limit(limit + 1);
}

/**
 * Rows after `after` in the order of `parts`: `(c1 > v1) or (c1 = v1 and c2 > v2) or …` (`<` for a
 * descending column), led by `c1 >= v1` so that the index seeks to the place instead of reading
 * from its start and filtering.
 */
function afterKey(parts: readonly SortPart[], after: KeyPosition): RawBuilder<SqlBool> {
  const value = (part: SortPart) => after[part.field]!;
  const beyond = (part: SortPart, strict: boolean) =>
    sql`${sql.ref(part.column)} ${sql.raw(part.desc ? "<" : ">")}${sql.raw(strict ? "" : "=")} ${value(part)}`;
  const alternatives = parts.map((part, i) =>
    sql.join(
      [...parts.slice(0, i).map((p) => sql`${sql.ref(p.column)} = ${value(p)}`), beyond(part, true)],
      sql` and `,
    ),
  );
  const lead = beyond(parts[0]!, false);
  return sql<SqlBool>`(${lead} and (${sql.join(
    alternatives.map((a) => sql`(${a})`),
    sql` or `,
  )}))`;
}

/**
 * The first `limit` rows and, when more follow, the token that resumes after the last of them. Rows
 * must carry each sort column (under its name without the table alias).
 */
export function pageOf<R extends object>(
  keyset: Keyset,
  rows: readonly R[],
  limit: number,
): { items: R[]; nextToken?: string } {
  const items = rows.slice(0, limit);
  if (rows.length <= limit) return { items };
  return { items, nextToken: tokenAfter(keyset, positionOf(keyset, items[items.length - 1]!)) };
}

/** The sort key of `row`. */
export function positionOf(keyset: Keyset, row: object): KeyPosition {
  const values = row as Record<string, unknown>;
  return Object.fromEntries(
    keyset.parts.map((part) => {
      const value = values[part.column.replace(/^.*\./, "")];
      return [part.field, part.type === "number" ? Number(value) : String(value)];
    }),
  );
}

/** The token that resumes `keyset` after `position` (a listing that stopped early: see DescribeTestCases). */
export function tokenAfter(keyset: Keyset, position: KeyPosition): string {
  return encodePageToken(keyset.listing, position);
}
