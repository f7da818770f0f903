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
export {
  diffTrees,
  EMPTY_TREE,
  mergeBase,
  objectInfo,
  parseCommit,
  readBlob,
  readCommits,
  writeBlob,
  type CommitIdentity,
  type CommitObject,
  type ObjectInfo,
  type TreeChange,
} from "./objects.js";
export { baseName, listTree, parentDir, TreeEditor, type TreeEntry } from "./tree-editor.js";
export { writeCommit, type CommitPerson, type NewCommit } from "./commit-builder.js";
export {
  changedPaths,
  commitTree,
  commitTreeOf,
  editTree,
  mergeTrees,
  objectSize,
  treeEntry,
  // merge.ts's own identity and entry shapes; objects.ts and tree-editor.ts own the plain names.
  type CommitIdentity as MergeCommitIdentity,
  type MergeTreeConflict,
  type MergeTreeResult,
  type PathChange,
  type TreeEdit,
  type TreeEntry as MergeTreeEntry,
} from "./merge.js";
export { BlobReader, listTreeFiles, type BlobContent, type TreeFile } from "./blob-stream.js";
