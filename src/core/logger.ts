import { createRequire } from "node:module";
import type { Logger, pino as PinoFactory } from "pino";

export type { Logger };

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** pino level; default `info`. `silent` turns logging off (tests). */
  level?: string;
}

// pino is loaded by the first logger made, not when this module is imported: commands that never
// log (`pipewright build`, `--help`) start faster without it.
const require = createRequire(import.meta.url);

/** A JSON-lines logger on stderr, so that stdout stays for what a command prints for people. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const { pino } = require("pino") as { pino: typeof PinoFactory };
  return pino({ level: options.level ?? "info", base: undefined }, pino.destination(2));
}
