import { iamMigration } from "./0001-iam.js";
import type { Migration } from "./types.js";

/** Every migration, in order. Append new ones at the end. */
export const migrations: readonly Migration[] = [iamMigration];

export { serialType, binaryType, type Migration } from "./types.js";
