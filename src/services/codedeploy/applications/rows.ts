import type { Kysely, Selectable } from "kysely";
import { formatArn } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { applicationNotFound } from "../errors.js";
import type { Scope } from "../scope.js";
import type { Tag } from "../shapes.js";

export type ApplicationRow = Selectable<Database["codedeploy_applications"]>;

/** An application as the rest of CodeDeploy (deployments) sees it. */
export interface StoredApplication {
  applicationId: string;
  applicationName: string;
  computePlatform: string;
  /** Epoch milliseconds. */
  createTime: number;
}

/** `arn:aws:codedeploy:<region>:<account>:application:<name>`. */
export function applicationArn(scope: Scope, name: string): string {
  return formatArn({
    service: "codedeploy",
    region: scope.region,
    accountId: scope.accountId,
    resource: `application:${name}`,
  });
}

export function storedApplication(row: ApplicationRow): StoredApplication {
  return {
    applicationId: row.application_id,
    applicationName: row.name,
    computePlatform: row.compute_platform,
    createTime: Number(row.created_at),
  };
}

/** The application called `name`, or undefined. */
export async function findApplication(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<ApplicationRow | undefined> {
  return trx
    .selectFrom("codedeploy_applications")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", name)
    .executeTakeFirst();
}

/** The application row called `name`, or ApplicationDoesNotExistException. */
export async function requireApplicationRow(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<ApplicationRow> {
  const row = await findApplication(trx, scope, name);
  if (!row) throw applicationNotFound(name);
  return row;
}

/** The application called `name`, or ApplicationDoesNotExistException. */
export async function requireApplication(
  trx: Kysely<Database>,
  scope: Scope,
  name: string,
): Promise<StoredApplication> {
  return storedApplication(await requireApplicationRow(trx, scope, name));
}

export function applicationTags(row: ApplicationRow): Tag[] {
  return JSON.parse(row.tags) as Tag[];
}

/** How many applications the account has in the region. */
export async function countApplications(trx: Kysely<Database>, scope: Scope): Promise<number> {
  const row = await trx
    .selectFrom("codedeploy_applications")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
