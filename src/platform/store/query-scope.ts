import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Which operation a statement ran for, for stores opened with `onQuery` (tests that check query
 * plans). Async context tracking costs something on every promise on Node 20, so the storage is
 * made only when such a store is opened; until then {@link labelQueries} just calls `fn`.
 */
let scope: AsyncLocalStorage<string> | undefined;

/** Starts labelling statements (once a store with `onQuery` opens). */
export function enableQueryLabels(): void {
  scope ??= new AsyncLocalStorage<string>();
}

/** Runs `fn`, labelling the statements it runs with `label` when labels are on. */
export function labelQueries<T>(label: string, fn: () => T): T {
  return scope ? scope.run(label, fn) : fn();
}

/** The label of the statement running now, if any. */
export function currentQueryLabel(): string | undefined {
  return scope?.getStore();
}
