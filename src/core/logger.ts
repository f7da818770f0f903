import { pino, type Logger } from "pino";

export type { Logger };

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** pino level; default `info`. `silent` turns logging off (tests). */
  level?: string;
}

/** A JSON-lines logger on stderr, so that stdout stays for what a command prints for people. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({ level: options.level ?? "info", base: undefined }, pino.destination(2));
}
