import os from "node:os";
import { Worker } from "node:worker_threads";
import type { DigestName } from "./digest.js";

/**
 * Digests computed on a separate thread while the main thread keeps reading the socket and writing
 * the file. MD5 alone costs about 2 ms per MiB, which is as long as everything else a PutObject
 * does; on the main thread it is serial with the socket reads, here it overlaps them.
 *
 * Bytes reach the thread through a ring in shared memory: the writer copies each chunk in (a
 * memcpy, far cheaper than hashing it) and the thread hashes behind it. No message per chunk and no
 * queue that can grow: when the ring is full the writer waits, so memory stays bounded at one ring
 * per thread. Earlier attempts posted every chunk as a message; the copies and the unbounded queue
 * cost what the thread saved.
 */

/** The digests a thread can compute: those Node implements natively. */
export const THREAD_DIGESTS: ReadonlySet<DigestName> = new Set(["md5", "sha1", "sha256", "crc32"]);

/** Bytes in each thread's ring; a power of two, so positions wrap with a mask. */
const RING_BYTES = 2 * 1024 * 1024;
/** The thread hashes at most this much before it reports progress, so the writer never waits long. */
const STEP_BYTES = 256 * 1024;
/** Most threads kept, however many cores: each holds a ring and a V8 isolate. */
const MAX_THREADS = 4;

/**
 * A thread that has caught up is woken once this much is waiting (or the job ends), not for every
 * chunk: each wake-up is a futex call and two context switches.
 */
const WAKE_BYTES = 256 * 1024;

// Control words (Int32): bytes written and consumed (positions that wrap at 2^32), job state, a
// sequence number bumped on every change, which the thread waits on, and whether it is waiting.
const WRITTEN = 0;
const CONSUMED = 1;
const STATE = 2;
const SEQ = 3;
const WAITING = 4;
const RUNNING = 1;
const FINISHING = 2;
const ABORTED = 3;

// Plain CommonJS run with `eval`, so the same code works from sources and from the build.
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { crc32 } = require("node:zlib");
const ring = new Uint8Array(workerData.ring);
const control = new Int32Array(workerData.control);
const MASK = ring.length - 1;
function digester(name) {
  if (name !== "crc32") return createHash(name);
  let crc = 0;
  return {
    update: (view) => void (crc = crc32(view, crc)),
    digest: () => { const out = Buffer.alloc(4); out.writeUInt32BE(crc >>> 0); return out; },
  };
}
parentPort.on("message", (names) => {
  const digests = names.map(digester);
  let read = 0;
  for (;;) {
    const seq = Atomics.load(control, ${SEQ});
    const state = Atomics.load(control, ${STATE});
    if (state === ${ABORTED}) return parentPort.postMessage(null);
    const available = (Atomics.load(control, ${WRITTEN}) - read) | 0;
    if (available > 0) {
      const offset = read & MASK;
      const n = Math.min(available, ring.length - offset, ${STEP_BYTES});
      const view = ring.subarray(offset, offset + n);
      for (const d of digests) d.update(view);
      read = (read + n) | 0;
      Atomics.store(control, ${CONSUMED}, read);
      Atomics.notify(control, ${CONSUMED});
      continue;
    }
    if (state === ${FINISHING}) return parentPort.postMessage(digests.map((d) => d.digest()));
    // Announce the wait, then look again: a writer that missed the flag has bumped SEQ by now.
    Atomics.store(control, ${WAITING}, 1);
    if (Atomics.load(control, ${SEQ}) === seq) Atomics.wait(control, ${SEQ}, seq);
    Atomics.store(control, ${WAITING}, 0);
  }
});
`;

/** One job on a digest thread: feed it the bytes in order, then finish (or abort) it once. */
export interface ThreadDigestJob {
  /** Copies `chunk` for hashing; returns a promise only when it had to wait for room. */
  write(chunk: Buffer): Promise<void> | undefined;
  /** Waits for the thread to hash everything written and returns the digests by name. */
  finish(): Promise<Partial<Record<DigestName, Buffer>>>;
  /** Drops the job; the thread becomes free again once it has stopped. */
  abort(): void;
}

class DigestThread {
  readonly worker: Worker;
  readonly ring = new Uint8Array(new SharedArrayBuffer(RING_BYTES));
  readonly control = new Int32Array(new SharedArrayBuffer(5 * Int32Array.BYTES_PER_ELEMENT));
  busy = false;
  failure: Error | undefined;
  private reply: ((value: Uint8Array[] | null) => void) | undefined;
  private replyFailed: ((err: Error) => void) | undefined;

  constructor(onExit: (thread: DigestThread) => void) {
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { ring: this.ring.buffer, control: this.control.buffer },
    });
    this.worker.unref();
    this.worker.on("message", (value: Uint8Array[] | null) => {
      const reply = this.reply;
      this.reply = this.replyFailed = undefined;
      this.busy = false;
      this.worker.unref();
      reply?.(value);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.replyFailed?.(err);
      this.reply = this.replyFailed = undefined;
      onExit(this);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`digest thread exited with code ${code}`)));
  }

  start(names: readonly DigestName[]): ThreadDigestJob {
    this.busy = true;
    this.worker.ref();
    const { ring, control } = this;
    Atomics.store(control, WRITTEN, 0);
    Atomics.store(control, CONSUMED, 0);
    Atomics.store(control, STATE, RUNNING);
    const result = new Promise<Uint8Array[] | null>((resolve, reject) => {
      this.reply = resolve;
      this.replyFailed = reject;
    });
    // Until the job is finished or aborted its result is awaited by nobody.
    result.catch(() => undefined);
    this.worker.postMessage(names);
    let written = 0;
    let ended = false;
    const signal = (state?: number) => {
      if (state !== undefined) Atomics.store(control, STATE, state);
      Atomics.add(control, SEQ, 1);
      if (Atomics.load(control, WAITING) === 1) Atomics.notify(control, SEQ);
    };
    return {
      write: (chunk) => {
        let offset = 0;
        const copy = (): Promise<void> | undefined => {
          while (offset < chunk.length) {
            if (this.failure) throw this.failure;
            const consumed = Atomics.load(control, CONSUMED);
            const free = RING_BYTES - ((written - consumed) | 0);
            if (free === 0) {
              // A timeout so that a thread that died while we wait is noticed (failure is set).
              const wait = waitAsync(control, CONSUMED, consumed, 1000);
              return Promise.resolve(wait.value).then(copy);
            }
            const position = written & (RING_BYTES - 1);
            const n = Math.min(free, chunk.length - offset, RING_BYTES - position);
            ring.set(chunk.subarray(offset, offset + n), position);
            offset += n;
            written = (written + n) | 0;
            Atomics.store(control, WRITTEN, written);
            if (((written - consumed) | 0) >= WAKE_BYTES) signal();
          }
          return undefined;
        };
        return copy();
      },
      finish: async () => {
        ended = true;
        signal(FINISHING);
        const values = await result;
        if (!values) throw new Error("digest thread job was aborted");
        return Object.fromEntries(names.map((name, i) => [name, Buffer.from(values[i]!)]));
      },
      abort: () => {
        if (ended) return;
        ended = true;
        signal(ABORTED);
      },
    };
  }
}

/** `Atomics.waitAsync` (ES2024, in Node since 16), typed here as the project targets an older lib. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      this: void,
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

const threads: DigestThread[] = [];
const maxThreads = Math.max(1, Math.min(MAX_THREADS, os.availableParallelism()));

/**
 * Starts a job computing `names` (each in {@link THREAD_DIGESTS}) on a free digest thread, starting
 * one if fewer than the cores (at most 4) exist. Undefined when all are busy: the caller hashes on
 * its own thread instead, as it would with one core.
 */
export function startThreadDigests(names: readonly DigestName[]): ThreadDigestJob | undefined {
  let thread = threads.find((t) => !t.busy && !t.failure);
  if (!thread && threads.length < maxThreads) {
    thread = new DigestThread((dead) => {
      const i = threads.indexOf(dead);
      if (i >= 0) threads.splice(i, 1);
    });
    threads.push(thread);
  }
  return thread?.start(names);
}
