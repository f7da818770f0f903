/**
 * Work that must wait for a transaction to commit: waking the event dispatcher and the job workers.
 * A row written in a transaction is invisible to them until it commits, so waking them earlier
 * finds nothing and the work waits a poll interval. `emit()` and `enqueue()` register their wake-up
 * here; `Store.transaction` runs the registered functions once it has committed (and drops them
 * when it rolls back). Each function runs once per transaction however often it was registered.
 */
import type { Kysely } from "kysely";

/** The pending functions of each open transaction that `Store.transaction` opened. */
const pending = new WeakMap<object, Set<() => void>>();

/** Opens the after-commit list of a transaction; `Store.transaction` calls it. */
export function trackCommit(trx: object): Set<() => void> {
  const hooks = new Set<() => void>();
  pending.set(trx, hooks);
  return hooks;
}

/** Runs the functions registered for a committed transaction; one that throws does not stop the others. */
export function runCommitHooks(hooks: Set<() => void>): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // A wake-up that fails costs a poll interval, not the commit that already happened.
    }
  }
}

/**
 * Runs `fn` once what `executor` wrote is committed: after the transaction's commit when it is one
 * that `Store.transaction` opened, at once when it is not a transaction (each statement commits on
 * its own), and on the next turn of the event loop for a transaction opened elsewhere.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function afterCommit(executor: Kysely<any>, fn: () => void): void {
  const hooks = pending.get(executor);
  if (hooks) hooks.add(fn);
  else if (executor.isTransaction) setImmediate(fn);
  else fn();
}
