import type { Readable } from "node:stream";

/** The status line and headers a CGI program printed before its body. */
export interface CgiHead {
  status: number;
  headers: Array<[string, string]>;
}

/** A CGI program whose header block was too long or never ended. */
export class CgiHeadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CgiHeadError";
  }
}

/**
 * Reads a CGI response's header block (RFC 3875 §6: `Name: value` lines up to an empty line, with
 * `Status: 404 Not Found` for the status; 200 when absent) from `stdout`, and leaves the stream
 * paused at the first body byte, so that piping it on streams the body without copying it here.
 * Resolves undefined when the program ends before printing any header.
 */
export function readCgiHead(stdout: Readable, maxBytes = 64 * 1024): Promise<CgiHead | undefined> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const cleanup = () => {
      stdout.off("data", onData);
      stdout.off("end", onEnd);
      stdout.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const end = headerEnd(buffered);
      if (end === undefined) {
        if (buffered.length > maxBytes) {
          cleanup();
          stdout.pause();
          reject(new CgiHeadError(`CGI header block longer than ${maxBytes} bytes`));
        }
        return;
      }
      cleanup();
      stdout.pause();
      const rest = buffered.subarray(end.bodyStart);
      if (rest.length > 0) stdout.unshift(rest);
      resolve(parseHead(buffered.subarray(0, end.headEnd).toString("latin1")));
    };
    const onEnd = () => {
      cleanup();
      if (buffered.length === 0) resolve(undefined);
      else reject(new CgiHeadError("CGI program ended inside its header block"));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    stdout.on("data", onData);
    stdout.once("end", onEnd);
    stdout.once("error", onError);
  });
}

function headerEnd(buf: Buffer): { headEnd: number; bodyStart: number } | undefined {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { headEnd: lf, bodyStart: lf + 2 };
  return undefined;
}

function parseHead(text: string): CgiHead {
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") {
      const code = Number(/^\d{3}/.exec(value)?.[0]);
      if (code >= 100 && code <= 599) status = code;
    } else {
      headers.push([name, value]);
    }
  }
  return { status, headers };
}
