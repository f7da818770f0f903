export type { CodeCommitDeps, TriggerTargets } from "./deps.js";
export type { CodeCommitGit, GitRepositoryHandle } from "./git-access.js";
export { REPOSITORY_STATE_CHANGE, type RefChange } from "./ref-changes.js";
export { createCodeCommit, type CodeCommit } from "./service.js";
