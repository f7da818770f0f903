import type { Kysely } from "../../platform/store/index.js";
import type { Database } from "../../platform/store/index.js";
import type { NameRange } from "./name-range.js";
import { readNames, type ParameterRow, type Resume, type Scope } from "./parameter-rows.js";

/**
 * Most parameters one request looks at. A filter no index serves (Contains, Type, tags, labels)
 * is tested row by row in name order; past this many rows the request answers with what it found
 * so far (even nothing) and a NextToken that resumes after the last row looked at, as AWS's own
 * short pages do.
 */
export const MAX_EXAMINED = 1000;

/** Rows read per statement once the first page-sized read did not fill the page. */
const BATCH = 100;

/** What a listing reads. */
export interface ScanRequest {
  /** The names the filters can match at all; the index reads only these. */
  range: NameRange;
  /** The name the NextToken resumes after. */
  after: string | undefined;
  /** Page size. */
  max: number;
  /** The rows of a batch (in name order) that the listing returns, in the same order. */
  keep: (rows: ParameterRow[]) => Promise<ParameterRow[]> | ParameterRow[];
  /**
   * For a one-level listing: where to jump when a row lies deeper (see `skipSubtree`). The deeper
   * rows are never returned, so the scan seeks past their subtree instead of reading it.
   */
  skip?: (name: string) => string | undefined;
}

/** One page of a scan: the rows, and the name the next page resumes after when there may be more. */
export interface ScanPage {
  rows: ParameterRow[];
  resumeAfter?: string;
}

/**
 * Reads `request.range` in name order from `after`, keeping rows until the page is full, the
 * range ends, or {@link MAX_EXAMINED} rows were looked at. Without filters to test, this is one
 * statement of `max + 1` rows (the extra row tells whether a next page exists).
 */
export async function scanParameters(
  db: Kysely<Database>,
  scope: Scope,
  request: ScanRequest,
): Promise<ScanPage> {
  const { max, skip } = request;
  const kept: ParameterRow[] = [];
  let resume: Resume | undefined =
    request.after === undefined ? undefined : { name: request.after, inclusive: false };
  let examined = 0;
  let limit = max + 1;
  for (;;) {
    const want = Math.min(limit, MAX_EXAMINED - examined);
    const rows = await readNames(db, scope, request.range, resume, want);
    const jumpAt = skip ? rows.findIndex((r) => skip(r.name) !== undefined) : -1;
    const looked = jumpAt < 0 ? rows : rows.slice(0, jumpAt + 1);
    examined += looked.length;
    kept.push(...(await request.keep(jumpAt < 0 ? rows : rows.slice(0, jumpAt))));
    if (kept.length > max) return { rows: kept.slice(0, max), resumeAfter: kept[max - 1]!.name };
    const last = looked[looked.length - 1];
    if (jumpAt < 0 && rows.length < want) return { rows: kept };
    if (examined >= MAX_EXAMINED) return { rows: kept, ...(last ? { resumeAfter: last.name } : {}) };
    resume =
      jumpAt < 0 ? { name: last!.name, inclusive: false } : { name: skip!(last!.name)!, inclusive: true };
    // Seeks past subtrees read a page at a time: a batch would mostly be the subtree skipped.
    limit = skip ? max + 1 : BATCH;
  }
}
