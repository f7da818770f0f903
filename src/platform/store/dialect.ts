/** Which SQL engine a store runs on. */
export type DialectName = "sqlite" | "postgres";
