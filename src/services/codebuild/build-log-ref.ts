import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";
import type { BuildStatus } from "../../runner/api.js";
import { docOf, findBuild } from "./build-rows.js";

/** Where a build's log lives, and how far the build has got: what a live log reader needs. */
export interface BuildLogRef {
  /** `project:uuid`. */
  buildId: string;
  buildArn: string;
  accountId: string;
  region: string;
  /** `/aws/codebuild/<project>`. */
  group: string;
  /** The build's uuid. */
  stream: string;
  buildStatus: BuildStatus;
  /** True once the build ended: no line will be appended after this. */
  buildComplete: boolean;
}

/** The log of build `id` (`project:uuid` or a build ARN) in `scope`, or undefined for an unknown build. */
export async function findBuildLogRef(
  db: Kysely<Database>,
  scope: { accountId: string; region: string },
  id: string,
): Promise<BuildLogRef | undefined> {
  const row = await findBuild(db, scope, id);
  if (!row) return undefined;
  const doc = docOf(row);
  return {
    buildId: row.id,
    buildArn: doc.arn,
    accountId: row.account_id,
    region: row.region,
    group: doc.logs.groupName,
    stream: doc.logs.streamName,
    buildStatus: row.status as BuildStatus,
    buildComplete: row.state === "done",
  };
}
