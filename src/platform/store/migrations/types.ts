import { sql, type Kysely, type RawBuilder } from "kysely";
import type { DialectName } from "../dialect.js";

/** One schema change. Migrations are append-only: never edit one that has shipped. */
export interface Migration {
  /** Sortable unique name, `NNNN-what`. */
  name: string;
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}

/** Column type of an auto-incrementing integer primary key on each dialect. */
export function serialType(dialect: DialectName): "integer" | "bigserial" {
  return dialect === "sqlite" ? "integer" : "bigserial";
}

/** Column type of binary data on each dialect. */
export function binaryType(dialect: DialectName): "blob" | "bytea" {
  return dialect === "sqlite" ? "blob" : "bytea";
}

/**
 * Column type of a name a listing is ordered by: compared byte by byte (UTF-8 order) on both
 * dialects, so that `ORDER BY` and keyset `>` agree with each other, with SQLite, and with indexes.
 * SQLite's default BINARY collation already compares bytes; PostgreSQL needs the C collation, or
 * the database's locale would reorder names. For an existing column on PostgreSQL:
 * `ALTER TABLE t ALTER COLUMN c TYPE text COLLATE "C"` (its indexes are rebuilt).
 */
export function orderedTextType(dialect: DialectName): RawBuilder<unknown> {
  return dialect === "postgres" ? sql`text collate "C"` : sql`text`;
}

/** On PostgreSQL, makes existing text columns compare byte by byte (see `orderedTextType`); SQLite already does. */
export async function byteOrdered(
  db: Kysely<unknown>,
  dialect: DialectName,
  table: string,
  columns: readonly string[],
): Promise<void> {
  if (dialect !== "postgres") return;
  for (const column of columns) {
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "C"`.execute(
      db,
    );
  }
}

/** A plain (non-unique) index on `columns` of `table`, in that order. */
export async function addIndex(db: Kysely<unknown>, name: string, table: string, columns: readonly string[]) {
  await db.schema
    .createIndex(name)
    .on(table)
    .columns([...columns])
    .execute();
}
