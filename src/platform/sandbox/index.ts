export type { Sandbox, SandboxExit, SandboxKind, SandboxProcess, SandboxSpawnOptions } from "./types.js";
export { createBubblewrapSandbox, bubblewrapArgs, type BubblewrapSandboxOptions } from "./bubblewrap.js";
export {
  createProcessSandbox,
  killLeftovers,
  SANDBOX_ID_VARIABLE,
  type ProcessSandboxOptions,
} from "./process-sandbox.js";
export { detectSandbox, findOnPath, type DetectSandboxOptions, type DetectedSandbox } from "./detect.js";
export { SandboxOptionError } from "./errors.js";
