import type { Kysely, Selectable } from "kysely";
import { formatArn } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { Scope } from "../scope.js";
import type { Tag, TagFilter } from "../shapes.js";
import { selects } from "./matching.js";

export type InstanceRow = Selectable<Database["codedeploy_instances"]>;

/** An on-premises instance as deployments and the agent's requests see it. */
export interface StoredInstance {
  instanceName: string;
  instanceArn: string;
  iamSessionArn?: string;
  iamUserArn?: string;
  tags: Array<{ Key: string; Value: string }>;
  /** Epoch milliseconds. */
  registerTime: number;
  /** Epoch milliseconds; set once deregistered. */
  deregisterTime?: number;
}

/** `arn:aws:codedeploy:<region>:<account>:instance/<name>`. */
export function instanceArn(scope: Scope, name: string): string {
  return formatArn({
    service: "codedeploy",
    region: scope.region,
    accountId: scope.accountId,
    resource: `instance/${name}`,
  });
}

export function storedInstance(row: InstanceRow): StoredInstance {
  return {
    instanceName: row.name,
    instanceArn: instanceArn({ accountId: row.account_id, region: row.region }, row.name),
    ...(row.iam_session_arn !== null ? { iamSessionArn: row.iam_session_arn } : {}),
    ...(row.iam_user_arn !== null ? { iamUserArn: row.iam_user_arn } : {}),
    tags: JSON.parse(row.tags) as Tag[],
    registerTime: Number(row.register_time),
    ...(row.deregister_time !== null ? { deregisterTime: Number(row.deregister_time) } : {}),
  };
}

/** The instance called `name` (registered or deregistered), or undefined. */
export async function findInstance(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<InstanceRow | undefined> {
  return trx
    .selectFrom("codedeploy_instances")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .executeTakeFirst();
}

/** Every registered instance of the scope, by name. */
export async function registeredInstances(trx: Kysely<Database>, scope: Scope): Promise<InstanceRow[]> {
  return trx
    .selectFrom("codedeploy_instances")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("deregister_time", "is", null)
    .orderBy("name")
    .execute();
}

/** Registered instances matching AWS's rules: any filter of a list matches (OR); every list of a tag set must match (AND). */
export async function instancesMatching(
  trx: Kysely<Database>,
  scope: Scope,
  match: { tagFilters?: TagFilter[]; tagSet?: TagFilter[][] },
): Promise<StoredInstance[]> {
  // Tags are JSON, so the filter runs here; an account's on-premises fleet is small next to the
  // cost of one deployment.
  return (await registeredInstances(trx, scope))
    .map(storedInstance)
    .filter((instance) => selects(instance.tags, match));
}

/** The registered instance whose instanceArn, iamSessionArn or iamUserArn is `hostIdentifier` (what an agent sends as HostIdentifier). */
export async function instanceByHostIdentifier(
  trx: Kysely<Database>,
  scope: Scope,
  hostIdentifier: string,
): Promise<StoredInstance | undefined> {
  const prefix = instanceArn(scope, "");
  if (hostIdentifier.startsWith(prefix)) {
    const row = await findInstance(trx, scope, hostIdentifier.slice(prefix.length));
    return row && row.deregister_time === null ? storedInstance(row) : undefined;
  }
  const row = await trx
    .selectFrom("codedeploy_instances")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("deregister_time", "is", null)
    .where((eb) =>
      eb.or([eb("iam_session_arn", "=", hostIdentifier), eb("iam_user_arn", "=", hostIdentifier)]),
    )
    .executeTakeFirst();
  return row ? storedInstance(row) : undefined;
}
