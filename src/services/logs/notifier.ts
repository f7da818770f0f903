import { EventEmitter } from "node:events";

/** A log stream by its full name. */
export interface LogStreamRef {
  accountId: string;
  region: string;
  group: string;
  stream: string;
}

// One emitter for the process: appendLogEvents is called with nothing but an executor, so the
// notifier cannot be injected without changing every caller. Keys include account and region, so
// servers sharing a process (tests) only ever get a spurious wake from each other, never a lost one.
const appended = new EventEmitter();
// Every live reader of a stream adds a listener; their number is bounded by open connections.
appended.setMaxListeners(0);

function keyOf(ref: LogStreamRef): string {
  return JSON.stringify([ref.accountId, ref.region, ref.group, ref.stream]);
}

/**
 * Calls `listener` whenever lines are appended to `ref` in this process. Returns the function that
 * stops it. Appends made by other processes are not seen: readers poll slowly as well.
 */
export function watchLogStream(ref: LogStreamRef, listener: () => void): () => void {
  const key = keyOf(ref);
  appended.on(key, listener);
  return () => appended.off(key, listener);
}

/** Wakes the watchers of `ref`; {@link appendLogEvents} calls it after every append. */
export function notifyLogAppended(ref: LogStreamRef): void {
  appended.emit(keyOf(ref));
}
