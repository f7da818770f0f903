/**
 * What the `pipewright … watch` commands share: a signed call to a service's JSON API, and the loop
 * that looks until the thing watched ends, redrawing it in place on a terminal and printing each
 * change once, as a line, anywhere else (logs, pipes, CI).
 */
import { signedHeaders } from "../core/signed-request.js";
import type { ResolvedAws } from "./aws-config.js";

/** A service's JSON 1.1 API as the SDK addresses it. */
export interface JsonService {
  /** `X-Amz-Target` prefix, e.g. `CodePipeline_20150709`. */
  target: string;
  /** SigV4 signing name, e.g. `codepipeline`. */
  signingName: string;
}

/** An error answer of the service: its AWS error code and message. */
export class ServiceCallError extends Error {
  constructor(
    readonly operation: string,
    readonly code: string,
    readonly serviceMessage: string,
  ) {
    super(`${operation}: ${code}: ${serviceMessage}`);
    this.name = "ServiceCallError";
  }
}

/**
 * One API call over the JSON protocol, signed as the SDK signs it.
 * @throws Error "cannot reach <endpoint>" when nothing answers there.
 * @throws ServiceCallError when the service answers with an error.
 */
export async function callJson<T>(
  aws: ResolvedAws,
  service: JsonService,
  operation: string,
  input: Record<string, unknown>,
): Promise<T> {
  const url = new URL("/", aws.endpoint);
  const body = JSON.stringify(input);
  const init = {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `${service.target}.${operation}`,
    },
  };
  const headers = await signedHeaders(url, aws, service.signingName, init);
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body, headers });
  } catch (err) {
    throw new Error(`cannot reach ${aws.endpoint}: ${(err as { cause?: Error }).cause?.message ?? err}`, {
      cause: err,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    let error: { __type?: string; message?: string } = {};
    try {
      error = JSON.parse(text || "{}") as typeof error;
    } catch {
      // Not JSON (a proxy's page, say): the status and the text say what there is to say.
    }
    throw new ServiceCallError(operation, error.__type ?? String(response.status), error.message ?? text);
  }
  return JSON.parse(text) as T;
}

/** Parses a `--interval <ms>` flag: at least 100 ms; default 500. */
export function watchInterval(flag: string | undefined): number {
  return Math.max(100, Number(flag ?? 500) || 500);
}

/** The time of day (UTC, `HH:MM:SS`) that starts each line of the line-per-change output. */
export function timeStamp(now = new Date()): string {
  return now.toISOString().slice(11, 19);
}

/** How a watch command looks at its subject and shows it. */
export interface WatchLoop<V> {
  /** One look at the subject. */
  look(): Promise<V>;
  /** The whole view, redrawn in place on a terminal. */
  render(view: V): string[];
  /** What changed since `before` (undefined on the first look), each change once, as lines. */
  changes(before: V | undefined, view: V): string[];
  /** Whether the view is the last one: the subject has ended. */
  ended(view: V): boolean;
  /** Milliseconds between looks. */
  intervalMs: number;
  /** Redraw in place rather than print changes; default whether stdout is a terminal. */
  tty?: boolean;
}

/** Looks until the subject ends, showing each look on stdout; resolves with the last view. */
export async function watchUntilEnded<V>(loop: WatchLoop<V>): Promise<V> {
  const tty = loop.tty ?? process.stdout.isTTY;
  let before: V | undefined;
  let drawn = 0;
  for (;;) {
    const view = await loop.look();
    if (tty) {
      const lines = loop.render(view);
      // Back to where the last drawing began, then draw over it.
      process.stdout.write(`${drawn ? `\x1b[${drawn}F` : ""}\x1b[J${lines.join("\n")}\n`);
      drawn = lines.length;
    } else {
      const out = loop.changes(before, view);
      if (out.length) process.stdout.write(`${out.join("\n")}\n`);
    }
    before = view;
    if (loop.ended(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, loop.intervalMs));
  }
}
