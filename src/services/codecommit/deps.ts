import type { Kysely } from "kysely";
import path from "node:path";
import type { Clock, Logger } from "../../core/index.js";
import type { Bus } from "../../platform/bus/index.js";
import type { Queue } from "../../platform/queue/index.js";
import type { Database, Store } from "../../platform/store/index.js";

/**
 * Services inside this server that repository triggers can name by ARN. A CodeBuild project ARN as
 * a trigger's destination starts a build of the pushed commit.
 */
export interface TriggerTargets {
  startBuild(request: {
    accountId: string;
    region: string;
    projectName: string;
    sourceVersion: string;
    initiator: string;
    idempotencyToken: string;
  }): Promise<string>;
  /** `executor`: the caller's transaction, if it is in one. */
  projectExists(
    executor: Kysely<Database>,
    scope: { accountId: string; region: string },
    projectName: string,
  ): Promise<boolean>;
}

/** What CodeCommit needs from the server. */
export interface CodeCommitDeps {
  store: Store;
  /** Repository state changes, pull request and comment events go here. */
  bus: Bus;
  /** Trigger deliveries are durable jobs here. */
  queue: Queue;
  /** Bare repositories live in `<dataDir>/git/<repositoryId>.git`. */
  dataDir: string;
  /** The server's base URL (known once it listens): `cloneUrlHttp` is `<this>/v1/repos/<name>`. */
  publicUrl: () => string;
  /** `ssh://host:port` of the git SSH listener, when one runs; `cloneUrlSsh` is `<this>/v1/repos/<name>`. */
  sshUrl?: () => string | undefined;
  /** Internal trigger destinations; without them only http(s) destinations are delivered. */
  triggerTargets?: TriggerTargets;
  /** Default the system clock. */
  clock?: Clock;
  /** Default a silent logger. */
  logger?: Logger;
}

/** The dependencies with defaults resolved. */
export interface CodeCommitRuntime {
  store: Store;
  bus: Bus;
  queue: Queue;
  dataDir: string;
  publicUrl: () => string;
  sshUrl: () => string | undefined;
  triggerTargets: TriggerTargets | undefined;
  clock: Clock;
  logger: Logger;
}

/** Where a repository's bare git directory is: named by id, so names never reach the file system. */
export function gitDirOf(rt: Pick<CodeCommitRuntime, "dataDir">, repositoryId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(repositoryId)) throw new Error(`not a repository id: ${repositoryId}`);
  return path.join(rt.dataDir, "git", `${repositoryId}.git`);
}
