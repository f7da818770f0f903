import type { IncomingMessage } from "node:http";

/**
 * A client's request body as the balancer holds it: `replayable` when it was read whole (it can be
 * sent again to another target if the first connection fails), otherwise the chunks read so far
 * (`head`) with the rest still in the request stream, to be streamed once and never retried.
 */
export type RequestBody = { replayable: true; bytes: Buffer } | { replayable: false; head: Buffer[] };

/** The client went away (or its connection broke) before its body arrived. */
export class ClientGoneError extends Error {
  constructor(cause?: unknown) {
    super("the client closed its connection before sending the whole request body", { cause });
    this.name = "ClientGoneError";
  }
}

/**
 * Reads `req`'s body if it is at most `limit` bytes; past that (or with a larger Content-Length)
 * it stops reading and leaves the rest for streaming, so a large upload never sits in memory.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<RequestBody> {
  const declared = req.headers["content-length"];
  if (declared === undefined && req.headers["transfer-encoding"] === undefined) {
    return Promise.resolve({ replayable: true, bytes: Buffer.alloc(0) });
  }
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.resolve({ replayable: false, head: [] });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.pause();
        stop();
        resolve({ replayable: false, head: chunks });
      }
    };
    const onEnd = () => {
      stop();
      resolve({ replayable: true, bytes: Buffer.concat(chunks, size) });
    };
    const onError = (error: Error) => {
      stop();
      reject(new ClientGoneError(error));
    };
    const onClose = () => {
      stop();
      if (!req.complete) reject(new ClientGoneError());
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
