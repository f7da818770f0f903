export type {
  Sandbox,
  SandboxExit,
  SandboxKind,
  SandboxMount,
  SandboxNetwork,
  SandboxProcess,
  SandboxSpawnOptions,
  SandboxUsers,
} from "./types.js";
export {
  createBubblewrapSandbox,
  bubblewrapArgs,
  type BubblewrapSandboxOptions,
  type LauncherTools,
} from "./bubblewrap.js";
export { hostRootLayout, type RootEntry } from "./host-root.js";
export { NetworkNamespaces, type NetworkTools, type NetworkNamespacesOptions } from "./network.js";
export { IdRanges, RANGE_SIZE, UNMAPPED_USERS } from "./users.js";
export {
  createProcessSandbox,
  killLeftovers,
  SANDBOX_ID_VARIABLE,
  type ProcessSandboxOptions,
} from "./process-sandbox.js";
export { detectSandbox, findOnPath, type DetectSandboxOptions, type DetectedSandbox } from "./detect.js";
export { SandboxOptionError } from "./errors.js";
export { isRunning } from "./process-tree.js";
