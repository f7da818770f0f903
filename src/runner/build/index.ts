export { runBuild } from "./run-build.js";
export type { RunBuildOptions } from "./build-state.js";
export { SecretMasker } from "./masking.js";
export { containerTime } from "./build-log.js";
export { parseJUnit, parseCucumber } from "./test-reports.js";
export { versionMatches } from "./runtime-versions.js";
