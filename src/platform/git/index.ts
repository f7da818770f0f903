export { GitError, gitEnv, gitText, runGit, type GitResult, type GitRunOptions } from "./git.js";
export {
  initBareRepository,
  isAncestor,
  listRefs,
  RefConflictError,
  removeRepository,
  resolveCommit,
  setHead,
  updateRef,
  ZERO_OID,
  type GitRef,
} from "./repository.js";
