import type { Kysely } from "kysely";
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
