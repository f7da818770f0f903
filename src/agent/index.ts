/**
 * The CodeDeploy agent (`pipewright agent`): a separate process on each target machine that polls
 * the server's commands API over HTTP and runs deployments there. Imports only formats, platform
 * and core; nothing on the server side imports it.
 */
export { runAgent, type AgentOptions, type AgentResult } from "./agent.js";
export { AgentApi, backoffDelay, type AgentApiOptions, type CommandStatus, type HostCommand } from "./api.js";
export { CommandExecutor, type ExecutorOptions } from "./executor.js";
export { readDeploymentSpec, type DeploymentSpec } from "./deployment-spec.js";
export { unpackBundle, type BundleType } from "./bundle.js";
export { install, globMatches, type InstallInput } from "./install.js";
export { runHookScript, type RunScriptInput } from "./hooks.js";
export { RootPath, OutsideRootError } from "./root-path.js";
export { AgentState } from "./state.js";
export {
  AgentApiError,
  CommandFailure,
  LOG_TAIL_CHARS,
  SCRIPT_ERROR_CODES,
  type ScriptErrorName,
} from "./errors.js";
