/**
 * Pure parsers and validators shared by server, runner and agent: no I/O, text in, typed data and
 * positioned diagnostics out.
 */
export * from "./buildspec/index.js";
export * from "./appspec/index.js";
