export { buildMounts, createBuildDirs, type BuildDirs, type BuildPaths } from "./build-dirs.js";
export {
  parseListing,
  selectFiles,
  type ListedPath,
  type ListedType,
  type SelectOptions,
} from "./file-list.js";
export { Workspace, WorkspaceError, type HelperResult, type WorkspaceOptions } from "./workspace.js";
