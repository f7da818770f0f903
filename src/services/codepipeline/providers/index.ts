/**
 * CodePipeline's synchronous action providers: the actions the engine runs in-process, keyed by
 * `<category>/<owner>/<provider>` of their action type id.
 */
import type { Clock, Logger } from "../../../core/index.js";
import type { ZipLimits } from "../../../platform/archive/index.js";
import type { CodeCommitGit } from "../../codecommit/index.js";
import type { S3Service } from "../../s3/index.js";
import { codeCommitSource } from "./codecommit-source.js";
import { s3Deploy } from "./s3-deploy.js";
import { s3Source } from "./s3-source.js";
import type { SyncProvider } from "./types.js";

export {
  ActionFailure,
  type ActionFailureCode,
  type ActionResult,
  type ActionRevision,
  type ActionRun,
  type ArtifactLocation,
  type SyncProvider,
} from "./types.js";
export {
  ARTIFACT_FORMAT_METADATA,
  CLONE_REF_FORMAT,
  isCloneRef,
  parseCloneRef,
  type CloneRef,
} from "./clone-ref.js";

/** The action types built in here. */
export type SyncProviderId = "Source/AWS/CodeCommit" | "Source/AWS/S3" | "Deploy/AWS/S3";

/** What the providers need from the server. */
export interface ProviderDeps {
  s3: S3Service;
  /** Absent when the server runs without CodeCommit: its source action then fails with SystemUnavailable. */
  codecommit?: CodeCommitGit;
  /** The server's base URL (known once it listens), for clone URLs and revision links. */
  publicUrl: () => string;
  logger?: Logger;
  /** Not used by these providers yet; accepted so the engine can pass one set of deps to all. */
  clock?: Clock;
  /** Where providers keep temporary files (default: the system's temporary directory). */
  workDir?: string;
  /** Limits on archives the S3 deploy action extracts. */
  zipLimits?: Partial<ZipLimits>;
}

export function createProviders(deps: ProviderDeps): Record<SyncProviderId, SyncProvider> {
  return {
    "Source/AWS/CodeCommit": codeCommitSource(deps),
    "Source/AWS/S3": s3Source(deps),
    "Deploy/AWS/S3": s3Deploy(deps),
  };
}
