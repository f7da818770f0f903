export { parseAppSpec, AppSpecError, MAX_APPSPEC_BYTES } from "./parse.js";
export {
  APPSPEC_HOOK_NAMES,
  FILE_EXISTS_BEHAVIORS,
  MAX_HOOK_TIMEOUT_SECONDS,
  type AppSpec,
  type AppSpecFile,
  type AppSpecHookName,
  type AppSpecHookScript,
  type AppSpecPermission,
  type FileExistsBehavior,
} from "./types.js";
