export { openStore, type ObservedQuery, type Store, type StoreOptions } from "./store.js";
export { labelQueries } from "./query-scope.js";
export { afterCommit } from "./after-commit.js";
export type { Database } from "./schema.js";
export type { DialectName } from "./dialect.js";
export { serialType, binaryType, orderedTextType, type Migration } from "./migrations/index.js";
export type { Transaction, Kysely } from "kysely";
