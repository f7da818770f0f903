import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";

/** Who made a request: a user (the root user for now) through one of its access keys. */
export interface Principal {
  accountId: string;
  userId: string;
  userName: string;
  arn: string;
  accessKeyId: string;
  isRoot: boolean;
}

/** What every operation knows about the request it serves. */
export interface RequestContext {
  requestId: string;
  accountId: string;
  region: string;
  principal: Principal;
}

/** A request's context plus where the operation runs its queries. */
export interface OperationContext extends RequestContext {
  /**
   * The operation's store transaction; for an operation declared `transactional: false`, the store
   * itself (each statement commits on its own).
   */
  trx: Kysely<Database>;
}
