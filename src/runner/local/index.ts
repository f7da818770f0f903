export { createLocalRunnerApi, type LocalRunnerOptions } from "./local-api.js";
export { formatLogLine, phaseTable } from "./terminal.js";
