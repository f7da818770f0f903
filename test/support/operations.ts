import type { Store } from "../../src/platform/store/index.js";
import type { JsonService, OperationContext } from "../../src/services/kit/index.js";

/** The account and region unit tests run operations in. */
export const TEST_SCOPE = { accountId: "000000000000", region: "us-east-1" };

/**
 * Runs one operation of `service` as the root user, the way the protocol adapter does: input
 * parsed by the operation's schema, handler inside one store transaction.
 */
export async function callOperation<T = Record<string, unknown>>(
  service: JsonService,
  store: Store,
  name: string,
  input: unknown,
): Promise<T> {
  const op = service.operations.get(name);
  if (!op) throw new Error(`${service.targetPrefix} has no operation ${name}`);
  return (await store.transaction((trx) => {
    const ctx: OperationContext = {
      ...TEST_SCOPE,
      requestId: "test",
      principal: {
        ...TEST_SCOPE,
        userId: "u",
        userName: "root",
        arn: `arn:aws:iam::${TEST_SCOPE.accountId}:root`,
        accessKeyId: "k",
        isRoot: true,
      },
      trx,
    };
    return op.handler(op.input.parse(input), ctx);
  })) as T;
}
